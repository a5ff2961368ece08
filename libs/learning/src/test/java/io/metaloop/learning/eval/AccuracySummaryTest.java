package io.metaloop.learning.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Intervals against hand-computed values and published t quantiles. */
class AccuracySummaryTest {
    @Test
    void studentTQuantilesAreTheTabulatedOnes() {
        assertEquals(12.706205, AccuracySummary.t975(1), 1e-6);
        assertEquals(2.262157, AccuracySummary.t975(9), 1e-6);
        assertEquals(1.963932, AccuracySummary.t975(599), 1e-6); // Cornish–Fisher: z + (z³+z)/4ν + (5z⁵+16z³+3z)/96ν²
        assertEquals(1.960360, AccuracySummary.t975(5999), 1e-6);
    }

    @Test
    void intervalsOfAHandComputedSample() {
        // accuracies 0.2, 0.4, 0.6, 0.8: mean 0.5, sample variance (0.09+0.01+0.01+0.09)/3 = 0.2/3
        AccuracySummary s = AccuracySummary.of(new double[] {0.2, 0.4, 0.6, 0.8}, 0);
        double std = Math.sqrt(0.2 / 3);
        assertEquals(0.5, s.mean(), 1e-15);
        assertEquals(std, s.std(), 1e-15);
        assertEquals(1.959964 * std / 2, s.ci95Z(), 1e-6);
        assertEquals(3.182446 * std / 2, s.ci95T(), 1e-6);
        assertTrue(Double.isNaN(s.batchMeansCi95T()));
    }

    @Test
    void pyTorchMamlsIntervalIsOverTheMeansOfGroups() {
        // groups of 2: means 0.3 and 0.7, their std √0.08, t(1) = 12.7062, n = 2
        AccuracySummary s = AccuracySummary.of(new double[] {0.2, 0.4, 0.6, 0.8}, 2);
        assertEquals(12.706205 * Math.sqrt(0.08) / Math.sqrt(2), s.batchMeansCi95T(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> AccuracySummary.of(new double[] {0.5, 0.5, 0.5}, 2));
        assertThrows(IllegalArgumentException.class, () -> AccuracySummary.of(new double[] {0.5}, 0));
    }
}
