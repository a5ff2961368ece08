package io.metaloop.contracts;

import java.util.List;

/**
 * One configuration's test accuracy over several seeds: the experiments differ only in their
 * seeds, and each has its primary result. As the relational-reasoning seed reports (mean ± std
 * over seeds 1, 2, 3), with the 95 % Student-t interval of the mean beside it.
 *
 * @param experiments the experiments, in the order asked for
 * @param seeds       their seeds, same order
 * @param accuracies  their test accuracies (fractions), same order
 * @param mean        mean accuracy (fraction)
 * @param std         sample standard deviation over seeds (n − 1 in the denominator)
 * @param ci95T       half-width of the 95 % interval of the mean, t₀.₉₇₅,ₙ₋₁ · std / √n
 * @param test        what was measured, in words (e.g. "linear evaluation on fashion-mnist/test, head 100 epochs")
 */
public record SeedSummary(String method, String backbone, String dataset, String test, List<String> experiments,
                          List<Long> seeds, List<Double> accuracies, int n, double mean, double std, double ci95T) {
    public SeedSummary {
        experiments = List.copyOf(experiments);
        seeds = List.copyOf(seeds);
        accuracies = List.copyOf(accuracies);
    }
}
