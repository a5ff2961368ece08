package io.metaloop.learning.method.selfsupervised;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** PCA whitening, k-means and the class weights against hand-computed values and known structure. */
class ClusteringTest {
    private static final double SQRT_1_5 = Math.sqrt(1.5);

    @Test
    void whiteningAHandMadeTwoDimensionalExampleGivesTheHandComputedComponents() {
        // four points on the diagonals: variance 8/3 along (1,1)/√2 and 2/3 along (−1,1)/√2 (with N − 1 = 3),
        // projections 2, −2, 0, 0 and 0, 0, 1, −1, so whitened rows are ±(√1.5, 0) and ±(0, √1.5)
        double r = Math.sqrt(2);
        double h = 1 / Math.sqrt(2);
        double[][] x = {{r + 5, r - 1}, {-r + 5, -r - 1}, {-h + 5, h - 1}, {h + 5, -h - 1}};
        double[][] w = Clustering.pcaWhiten(x, 2);
        double[][] expected = {{SQRT_1_5, 0}, {-SQRT_1_5, 0}, {0, SQRT_1_5}, {0, -SQRT_1_5}};
        for (int c = 0; c < 2; c++) {
            // a component's sign is arbitrary: fix it by the first row with a non-zero expected entry
            int anchor = c == 0 ? 0 : 2;
            double sign = Math.signum(w[anchor][c]);
            for (int i = 0; i < 4; i++) {
                assertEquals(expected[i][c], sign * w[i][c], 1e-12, "row " + i + " component " + c);
            }
        }
        double[][] first = Clustering.pcaWhiten(x, 1);
        assertEquals(1, first[0].length);
        assertEquals(SQRT_1_5, Math.abs(first[0][0]), 1e-12);
    }

    @Test
    void whitenedCorrelatedDataHasIdentityCovariance() {
        Random random = new Random(4);
        int n = 500;
        double[][] x = new double[n][5];
        for (int i = 0; i < n; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            double c = random.nextGaussian();
            // five independent sources mixed into five correlated columns (full rank)
            x[i] = new double[] {3 * a + 1, a + 0.5 * b + 0.2 * random.nextGaussian(), -2 * b + c + 7, 0.1 * c,
                a + b + c + 0.3 * random.nextGaussian()};
        }
        for (int dims : new int[] {5, 3}) {
            double[][] w = Clustering.pcaWhiten(x, dims);
            double[][] cov = covariance(w);
            for (int i = 0; i < dims; i++) {
                for (int j = 0; j < dims; j++) {
                    assertEquals(i == j ? 1.0 : 0.0, cov[i][j], 1e-9, "covariance[" + i + "][" + j + "] at " + dims + " dims");
                }
            }
        }
    }

    @Test
    void aZeroVarianceDirectionGivesZerosNotInfinities() {
        double[][] x = {{1, 2, 5}, {2, 4, 5}, {3, 7, 5}, {0, 1, 5}};
        double[][] w = Clustering.pcaWhiten(x, 3);
        for (double[] row : w) {
            assertEquals(0, row[2], 1e-12);
        }
    }

    @Test
    void pcaDimensionsHalveFromFiveHundredTwelveFeatures() {
        assertEquals(64, Clustering.pcaDimensions(64));
        assertEquals(511, Clustering.pcaDimensions(511));
        assertEquals(256, Clustering.pcaDimensions(512));
    }

    @Test
    void rowsAreScaledToUnitLengthAndZeroRowsStayZero() {
        double[][] x = {{3, 4}, {0, 0}};
        Clustering.l2NormaliseRows(x);
        assertArrayEquals(new double[] {0.6, 0.8}, x[0], 1e-15);
        assertArrayEquals(new double[] {0, 0}, x[1]);
    }

    @Test
    void kMeansRecoversThreeFarApartBlobs() {
        Random random = new Random(9);
        double[][] centres = {{0, 0, 0}, {10, 0, 0}, {0, 10, 10}};
        int perBlob = 40;
        double[][] x = new double[3 * perBlob][3];
        int[] truth = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            int blob = i % 3; // interleaved, so ids cannot follow the input order
            truth[i] = blob;
            for (int j = 0; j < 3; j++) {
                x[i][j] = centres[blob][j] + 0.3 * random.nextGaussian();
            }
        }
        for (long seed = 0; seed < 5; seed++) {
            int[] found = Clustering.kMeans(x, 3, 30, 3, seed);
            assertSamePartition(truth, found);
        }
    }

    @Test
    void kMeansRefusesFewerPointsThanClusters() {
        assertThrows(IllegalArgumentException.class, () -> Clustering.kMeans(new double[][] {{0}, {1}}, 3, 10, 1, 0));
    }

    @Test
    void clusterWeightsAreOneMinusFrequency() {
        // 4 points: cluster 0 twice, cluster 1 once, cluster 2 once, cluster 3 never
        assertArrayEquals(new double[] {0.5, 0.75, 0.75, 1.0}, Clustering.clusterWeights(new int[] {0, 1, 0, 2}, 4), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Clustering.clusterWeights(new int[] {4}, 4));
    }

    /** Same partition whatever the ids: a bijection between the two labellings. */
    private static void assertSamePartition(int[] a, int[] b) {
        Map<Integer, Integer> ab = new HashMap<>();
        Map<Integer, Integer> ba = new HashMap<>();
        for (int i = 0; i < a.length; i++) {
            Integer image = ab.putIfAbsent(a[i], b[i]);
            Integer preimage = ba.putIfAbsent(b[i], a[i]);
            assertEquals(image == null ? b[i] : image, b[i], "point " + i);
            assertEquals(preimage == null ? a[i] : preimage, a[i], "point " + i);
        }
        assertEquals(ab.size(), ba.size());
    }

    private static double[][] covariance(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        double[][] cov = new double[d][d];
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    cov[i][j] += (row[i] - mean[i]) * (row[j] - mean[j]) / (n - 1);
                }
            }
        }
        return cov;
    }
}
