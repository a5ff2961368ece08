package io.metaloop.learning.eval;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Mean accuracy of n few-shot trials with 95% confidence intervals: half-widths h such that the
 * interval is mean ± h.
 *
 * <ul>
 * <li>{@code ci95Z} = z₀.₉₇₅ · s / √n, z₀.₉₇₅ = 1.959964 (the normal approximation most papers quote);
 * <li>{@code ci95T} = t₀.₉₇₅,ₙ₋₁ · s / √n (Student's t, what scipy's {@code t.ppf(0.975, n−1) · sem} gives);
 * <li>{@code batchMeansCi95T}: PyTorch-MAML's own interval (seeds.md §3.9), Student's t over the means of
 *     consecutive groups of {@code batchMeansOf} trials (its batches of 4 episodes), NaN when not asked for.
 * </ul>
 * s is the sample standard deviation (n − 1 in the denominator) of the per-trial accuracies.
 */
public record AccuracySummary(int trials, double mean, double std, double ci95Z, double ci95T, int batchMeansOf,
                              double batchMeansCi95T) {
    private static final double Z975 = new NormalDistribution().inverseCumulativeProbability(0.975);

    /**
     * @param accuracies   per-trial accuracies (fractions in [0, 1]), in trial order
     * @param batchMeansOf group size of PyTorch-MAML's interval; 0 for none
     * @throws IllegalArgumentException for fewer than 2 trials, or fewer than 2 whole groups
     */
    public static AccuracySummary of(double[] accuracies, int batchMeansOf) {
        int n = accuracies.length;
        if (n < 2) {
            throw new IllegalArgumentException("an interval needs at least 2 trials, got " + n);
        }
        double mean = mean(accuracies);
        double std = std(accuracies, mean);
        double sem = std / Math.sqrt(n);
        double groupCi = Double.NaN;
        if (batchMeansOf > 0) {
            int groups = n / batchMeansOf;
            if (groups < 2) {
                throw new IllegalArgumentException(n + " trials make fewer than 2 groups of " + batchMeansOf);
            }
            double[] means = new double[groups];
            for (int g = 0; g < groups; g++) {
                double sum = 0;
                for (int i = 0; i < batchMeansOf; i++) {
                    sum += accuracies[g * batchMeansOf + i];
                }
                means[g] = sum / batchMeansOf;
            }
            groupCi = t975(groups - 1) * std(means, mean(means)) / Math.sqrt(groups);
        }
        return new AccuracySummary(n, mean, std, Z975 * sem, t975(n - 1) * sem, batchMeansOf, groupCi);
    }

    /** The 0.975 quantile of Student's t with {@code degrees} degrees of freedom. */
    public static double t975(int degrees) {
        return new TDistribution(null, degrees).inverseCumulativeProbability(0.975);
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double std(double[] values, double mean) {
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / (values.length - 1));
    }
}
