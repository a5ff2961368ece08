package io.metaloop.learning.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Class-weighted softmax cross-entropy as PyTorch's {@code CrossEntropyLoss(weight=w)} with its
 * default mean reduction: L = Σ_i w_{y_i}·(−log softmax(z_i)_{y_i}) / Σ_i w_{y_i}, and its gradient
 * ∂L/∂z_i = w_{y_i}·(softmax(z_i) − onehot(y_i)) / Σ_i w_{y_i}. Computed in the logits' data type.
 */
public final class WeightedSoftmaxCrossEntropy {
    private WeightedSoftmaxCrossEntropy() {
    }

    /**
     * @param loss       the weighted mean negative log-likelihood
     * @param gradLogits [B, C], ∂loss/∂logits
     */
    public record Result(double loss, INDArray gradLogits) {
    }

    /**
     * @param logits  [B, C]
     * @param labels  [B], each in [0, C)
     * @param weights [C], one non-negative weight per class
     * @throws IllegalArgumentException for mismatched sizes, a label outside [0, C), a negative weight,
     *                                  or a batch whose labels' weights sum to 0 (PyTorch would return NaN)
     */
    public static Result evaluate(INDArray logits, int[] labels, double[] weights) {
        long batch = logits.size(0);
        long classes = logits.size(1);
        if (labels.length != batch) {
            throw new IllegalArgumentException(labels.length + " labels for a batch of " + batch);
        }
        if (weights.length != classes) {
            throw new IllegalArgumentException(weights.length + " class weights for " + classes + " classes");
        }
        double total = 0;
        for (int i = 0; i < batch; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " outside [0, " + classes + ")");
            }
            if (weights[labels[i]] < 0) {
                throw new IllegalArgumentException("class " + labels[i] + " has negative weight " + weights[labels[i]]);
            }
            total += weights[labels[i]];
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("the batch's labels have weights summing to " + total);
        }
        // log-softmax, shifted by the row maximum for stability
        INDArray logProbs = logits.subColumnVector(logits.max(1).reshape(batch, 1));
        INDArray logSumExp = Transforms.log(Transforms.exp(logProbs, true).sum(1), false);
        logProbs.subiColumnVector(logSumExp.reshape(batch, 1));
        INDArray oneHot = Nd4j.zeros(logits.dataType(), batch, classes);
        double[] rowWeights = new double[(int) batch];
        double nll = 0;
        for (int i = 0; i < batch; i++) {
            oneHot.putScalar(i, labels[i], 1.0);
            rowWeights[i] = weights[labels[i]] / total;
            nll -= rowWeights[i] * logProbs.getDouble(i, labels[i]);
        }
        INDArray scale = Nd4j.createFromArray(rowWeights).castTo(logits.dataType()).reshape(batch, 1);
        INDArray grad = Transforms.exp(logProbs, false).subi(oneHot).muliColumnVector(scale);
        return new Result(nll, grad);
    }
}
