package io.metaloop.learning.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ScheduleAndClippingTest {
    @Test
    void stepDecayHalvesEveryStepSize() {
        LearningRateSchedule s = new LearningRateSchedule.Step(0.1, 50, 0.5);
        assertEquals(0.1, s.rate(0), 0.0);
        assertEquals(0.1, s.rate(49), 0.0);
        assertEquals(0.05, s.rate(50), 0.0);
        assertEquals(0.025, s.rate(100), 1e-15);
    }

    @Test
    void multiStepMultipliesAtEachMilestonePassed() {
        LearningRateSchedule s = new LearningRateSchedule.MultiStep(1.0, new long[] {75, 50}, 0.1);
        assertEquals(1.0, s.rate(49), 0.0);
        assertEquals(0.1, s.rate(50), 1e-15);
        assertEquals(0.1, s.rate(74), 1e-15);
        assertEquals(0.01, s.rate(75), 1e-15);
    }

    @Test
    void cosineFollowsHalfACosineFromBaseToMin() {
        LearningRateSchedule s = new LearningRateSchedule.Cosine(1.0, 100, 0.1);
        assertEquals(1.0, s.rate(0), 1e-15);
        assertEquals(0.1 + 0.9 * (1 + Math.sqrt(0.5)) / 2, s.rate(25), 1e-15);
        assertEquals(0.55, s.rate(50), 1e-15);
        assertEquals(0.1, s.rate(100), 1e-15);
        assertEquals(0.1, s.rate(150), 1e-15);
    }

    @Test
    void clippingByNormRescalesToTheLimitAndReportsTheNormBefore() {
        INDArray g = Nd4j.create(new double[] {3.0, 4.0});
        assertEquals(5.0, GradientClipping.byNorm(g, 1.0), 1e-12);
        assertEquals(1.0, g.norm2Number().doubleValue(), 1e-6);
        assertArrayEquals(new double[] {0.6, 0.8}, g.toDoubleVector(), 1e-6, "the direction is kept");
        INDArray small = Nd4j.create(new double[] {0.3, 0.4});
        GradientClipping.byNorm(small, 1.0);
        assertArrayEquals(new double[] {0.3, 0.4}, small.toDoubleVector(), 0.0, "a short gradient is left alone");
    }

    @Test
    void clippingByValueClampsEachComponent() {
        INDArray g = Nd4j.create(new double[] {-3.0, 0.5, 7.0, -0.25});
        GradientClipping.byValue(g, 1.0);
        assertArrayEquals(new double[] {-1.0, 0.5, 1.0, -0.25}, g.toDoubleVector(), 0.0);
    }

    @Test
    void adamsWeightDecayIsAnL2TermOnTheGradient() {
        // zero loss gradient: the first step moves each parameter by lr against its sign, as for g = λ p
        INDArray p = Nd4j.create(new double[] {2.0, -0.5});
        new Adam(p, 0.9, 0.999, 1e-8, 0.1).step(p, Nd4j.zeros(p.dataType(), 2), 0.01);
        assertArrayEquals(new double[] {2.0 - 0.01 * 0.2 / (0.2 + 1e-8), -0.5 + 0.01 * 0.05 / (0.05 + 1e-8)},
                p.toDoubleVector(), 1e-12);
    }
}
