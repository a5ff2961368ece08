package io.metaloop.learning.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AdamTest {
    @Test
    void firstStepMovesEachParameterByTheLearningRateAgainstItsGradientSign() {
        // after one step m̂ = g and v̂ = g², so the update is lr · g / (|g| + ε)
        INDArray p = Nd4j.create(new double[] {1.0, -2.0, 0.5});
        INDArray g = Nd4j.create(new double[] {0.3, -4.0, 1e-3});
        new Adam(p).step(p, g, 0.01);
        double eps = 1e-8;
        assertArrayEquals(new double[] {1.0 - 0.01 * 0.3 / (0.3 + eps), -2.0 + 0.01 * 4.0 / (4.0 + eps),
                0.5 - 0.01 * 1e-3 / (1e-3 + eps)}, p.toDoubleVector(), 1e-12);
    }

    @Test
    void minimisesAQuadratic() {
        // f(p) = ½‖p − c‖², gradient p − c
        INDArray c = Nd4j.create(new double[] {3.0, -1.0});
        INDArray p = Nd4j.create(new double[] {0.0, 0.0});
        Adam adam = new Adam(p);
        for (int i = 0; i < 2000; i++) {
            adam.step(p, p.sub(c), 0.05);
        }
        assertArrayEquals(c.toDoubleVector(), p.toDoubleVector(), 1e-3);
        assertEquals(2000, adam.steps());
    }
}
