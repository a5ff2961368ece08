package io.metaloop.learning.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class SoftmaxCrossEntropyTest {
    @Test
    void equalLogitsCostLogOfTheClassCount() {
        var r = SoftmaxCrossEntropy.evaluate(Nd4j.zeros(DataType.DOUBLE, 2, 4), new int[] {0, 3});
        assertEquals(Math.log(4), r.loss(), 1e-12);
        // gradient (softmax − one-hot) / batch = (1/4 − [y = k]) / 2
        assertArrayEquals(new double[] {-0.375, 0.125, 0.125, 0.125}, r.gradLogits().getRow(0).toDoubleVector(), 1e-12);
        assertArrayEquals(new double[] {0.125, 0.125, 0.125, -0.375}, r.gradLogits().getRow(1).toDoubleVector(), 1e-12);
    }

    @Test
    void twoClassLossIsTheSoftplusOfTheMargin() {
        // −log σ(a − b) = log(1 + e^(b − a))
        double a = 1.3;
        double b = -0.4;
        var r = SoftmaxCrossEntropy.evaluate(Nd4j.create(new double[][] {{a, b}}), new int[] {0});
        assertEquals(Math.log1p(Math.exp(b - a)), r.loss(), 1e-12);
    }

    @Test
    void hugeLogitsStayFinite() {
        var r = SoftmaxCrossEntropy.evaluate(Nd4j.create(new double[][] {{1000, 0}}), new int[] {1});
        assertEquals(1000, r.loss(), 1e-9);
    }

    @Test
    void labelsOutsideTheClassesAreRejectedWithTheirPosition() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> SoftmaxCrossEntropy.evaluate(Nd4j.zeros(DataType.DOUBLE, 2, 3), new int[] {0, 3}));
        assertEquals("label 3 at index 1 outside [0, 3)", e.getMessage());
    }
}
