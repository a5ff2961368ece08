package io.metaloop.learning.method.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Prototypical Networks' loss and gradients on a 2-way 2-shot example worked out by hand. */
class PrototypesTest {
    // way 0: (0,0), (2,0) → c₀ = (1,0); way 1: (0,2), (0,4) → c₁ = (0,3); one query (1,1) of way 0
    private static final INDArray SUPPORT = Nd4j.createFromArray(new double[][] {{0, 0}, {2, 0}, {0, 2}, {0, 4}});
    private static final INDArray QUERY = Nd4j.createFromArray(new double[][] {{1, 1}});
    private static final int[] LABELS = {0};

    @Test
    void lossAndGradientsMatchTheHandComputedValues() {
        Prototypes.Result r = Prototypes.evaluate(SUPPORT, new int[] {0, 0, 1, 1}, 2, QUERY, LABELS);
        // distances ‖(0,1)‖² = 1 and ‖(1,−2)‖² = 5, so logits (−1, −5)
        assertArrayEquals(new double[] {-1, -5}, r.logits().toDoubleVector(), 1e-12);
        // p₀ = 1 / (1 + e⁻⁴), loss = ln(1 + e⁻⁴)
        double p1 = Math.exp(-4) / (1 + Math.exp(-4));
        assertEquals(Math.log(1 + Math.exp(-4)), r.loss(), 1e-12);
        assertEquals(0.018149927, r.loss(), 1e-9);
        // G = (p₀ − 1, p₁) = (−p₁, p₁); ∂L/∂f_q = −2[G₀(f_q − c₀) + G₁(f_q − c₁)] = −2p₁·[−(0,1) + (1,−2)] = −2p₁·(1,−3)
        assertArrayEquals(new double[] {-2 * p1, 6 * p1}, r.gradQuery().toDoubleVector(), 1e-12);
        // ∂L/∂c₀ = 2G₀(f_q − c₀) = (0, −2p₁); ∂L/∂c₁ = 2G₁(f_q − c₁) = (2p₁, −4p₁); each support image gets half its prototype's
        assertArrayEquals(new double[] {0, -p1, 0, -p1, p1, -2 * p1, p1, -2 * p1},
                r.gradSupport().reshape(8).toDoubleVector(), 1e-12);
        assertEquals(0.01798621, p1, 1e-8);
    }

    @Test
    void waysWithDifferentNumbersOfSupportImagesAverageTheirOwn() {
        // way 0 has three images (0,0), (3,0), (0,3) → (1,1); way 1 one image (5,5)
        INDArray support = Nd4j.createFromArray(new double[][] {{0, 0}, {3, 0}, {5, 5}, {0, 3}});
        INDArray prototypes = Prototypes.prototypes(support, new int[] {0, 0, 1, 0}, 2);
        assertArrayEquals(new double[] {1, 1, 5, 5}, prototypes.reshape(4).toDoubleVector(), 1e-12);
    }

    @Test
    void gradientsMatchCentralDifferences() {
        INDArray support = Nd4j.rand(DataType.DOUBLE, 6, 4);
        INDArray query = Nd4j.rand(DataType.DOUBLE, 6, 4);
        int[] labels = {0, 0, 1, 1, 2, 2};
        Prototypes.Result r = Prototypes.evaluate(support, new int[] {0, 0, 1, 1, 2, 2}, 3, query, labels);
        double h = 1e-6;
        for (INDArray[] pair : new INDArray[][] {{support, r.gradSupport()}, {query, r.gradQuery()}}) {
            INDArray x = pair[0];
            for (int i = 0; i < x.length(); i++) {
                double v = x.getDouble(i);
                x.putScalar(i, v + h);
                double plus = Prototypes.evaluate(support, new int[] {0, 0, 1, 1, 2, 2}, 3, query, labels).loss();
                x.putScalar(i, v - h);
                double minus = Prototypes.evaluate(support, new int[] {0, 0, 1, 1, 2, 2}, 3, query, labels).loss();
                x.putScalar(i, v);
                assertEquals((plus - minus) / (2 * h), pair[1].getDouble(i), 1e-8, "element " + i);
            }
        }
    }
}
