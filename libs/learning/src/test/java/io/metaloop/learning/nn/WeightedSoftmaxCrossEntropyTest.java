package io.metaloop.learning.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** PyTorch's weighted CrossEntropyLoss: value on a hand-computed case, gradient by central differences. */
class WeightedSoftmaxCrossEntropyTest {
    @Test
    void valueMatchesTheHandComputedWeightedMean() {
        // row 0: logits (ln 3, 0), label 0: p = 3/4, nll = ln(4/3); row 1: logits (0, 0), label 1: nll = ln 2
        // weights (0.25, 0.75): L = (0.25·ln(4/3) + 0.75·ln 2) / (0.25 + 0.75)
        INDArray logits = Nd4j.createFromArray(new double[][] {{Math.log(3), 0}, {0, 0}});
        var result = WeightedSoftmaxCrossEntropy.evaluate(logits, new int[] {0, 1}, new double[] {0.25, 0.75});
        assertEquals(0.25 * Math.log(4.0 / 3) + 0.75 * Math.log(2), result.loss(), 1e-12);
        // ∂L/∂z_0 = 0.25·(p − e_0) = 0.25·(−1/4, 1/4); ∂L/∂z_1 = 0.75·(1/2, −1/2)
        assertEquals(-0.0625, result.gradLogits().getDouble(0, 0), 1e-12);
        assertEquals(0.0625, result.gradLogits().getDouble(0, 1), 1e-12);
        assertEquals(0.375, result.gradLogits().getDouble(1, 0), 1e-12);
        assertEquals(-0.375, result.gradLogits().getDouble(1, 1), 1e-12);
    }

    @Test
    void sameLabelsWeighTheSameAsNoWeights() {
        // with equal labels the weight cancels: the plain mean cross-entropy
        INDArray logits = Nd4j.createFromArray(new double[][] {{1, 2, 3}, {0.5, -1, 2}});
        int[] labels = {2, 2};
        var weighted = WeightedSoftmaxCrossEntropy.evaluate(logits, labels, new double[] {0.1, 0.2, 0.3});
        var plain = SoftmaxCrossEntropy.evaluate(logits, labels);
        assertEquals(plain.loss(), weighted.loss(), 1e-12);
    }

    @Test
    void gradientMatchesCentralDifferencesInDoublePrecision() {
        INDArray logits = Nd4j.rand(DataType.DOUBLE, 5, 4).subi(0.5).muli(4);
        int[] labels = {3, 0, 3, 1, 2};
        double[] weights = {0.9, 0.5, 0.8, 0.2};
        INDArray grad = WeightedSoftmaxCrossEntropy.evaluate(logits, labels, weights).gradLogits();
        double eps = 1e-6;
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 4; j++) {
                double saved = logits.getDouble(i, j);
                logits.putScalar(i, j, saved + eps);
                double plus = WeightedSoftmaxCrossEntropy.evaluate(logits, labels, weights).loss();
                logits.putScalar(i, j, saved - eps);
                double minus = WeightedSoftmaxCrossEntropy.evaluate(logits, labels, weights).loss();
                logits.putScalar(i, j, saved);
                assertEquals((plus - minus) / (2 * eps), grad.getDouble(i, j), 1e-8, "logit [" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void aBatchOfZeroTotalWeightIsRefused() {
        INDArray logits = Nd4j.zeros(DataType.DOUBLE, 1, 2);
        assertThrows(IllegalArgumentException.class,
                () -> WeightedSoftmaxCrossEntropy.evaluate(logits, new int[] {0}, new double[] {0, 1}));
    }
}
