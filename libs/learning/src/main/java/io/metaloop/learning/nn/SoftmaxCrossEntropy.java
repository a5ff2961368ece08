package io.metaloop.learning.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Mean negative log-likelihood of integer labels under softmax(logits), with its gradient. */
public final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {
    }

    public record Result(double loss, INDArray gradLogits) {
    }

    public static Result evaluate(INDArray logits, int[] labels) {
        long batch = logits.size(0);
        long classes = logits.size(1);
        if (labels.length != batch) {
            throw new IllegalArgumentException(labels.length + " labels for a batch of " + batch);
        }
        // log-softmax, shifted by the row maximum for stability
        INDArray logProbs = logits.subColumnVector(logits.max(1).reshape(batch, 1));
        INDArray logSumExp = Transforms.log(Transforms.exp(logProbs, true).sum(1), false);
        logProbs.subiColumnVector(logSumExp.reshape(batch, 1));
        INDArray oneHot = Nd4j.zeros(logits.dataType(), batch, classes);
        double nll = 0;
        for (int i = 0; i < batch; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " outside [0, " + classes + ")");
            }
            oneHot.putScalar(i, labels[i], 1.0);
            nll -= logProbs.getDouble(i, labels[i]);
        }
        INDArray grad = Transforms.exp(logProbs, false).subi(oneHot).divi(batch);
        return new Result(nll / batch, grad);
    }

    /**
     * The derivative of {@link Result#gradLogits()} along a direction ż of the logits:
     * with p = softmax(z) per row, d(p − onehot)/B = (p⊙ż − p·(p·ż))/B, the softmax Jacobian applied to ż.
     */
    public static INDArray gradientTangent(INDArray logits, INDArray logitsTangent) {
        long batch = logits.size(0);
        INDArray shifted = logits.subColumnVector(logits.max(1).reshape(batch, 1));
        INDArray p = Transforms.exp(shifted, false);
        p.diviColumnVector(p.sum(1).reshape(batch, 1));
        INDArray pz = p.mul(logitsTangent);
        INDArray inner = pz.sum(1).reshape(batch, 1);
        return pz.subi(p.mulColumnVector(inner)).divi(batch);
    }
}
