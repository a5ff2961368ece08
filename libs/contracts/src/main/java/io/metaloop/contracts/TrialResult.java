package io.metaloop.contracts;

/**
 * One few-shot trial's outcome: {@code correct} of its {@code queries} queries classified right.
 *
 * @param trial the trial index within its protocol
 */
public record TrialResult(long trial, int correct, int queries) {
    public TrialResult {
        if (trial < 0 || queries < 1 || correct < 0 || correct > queries) {
            throw new InvalidMessageException("correct", "need trial >= 0 and 0 <= correct <= queries >= 1, got trial "
                    + trial + ", " + correct + " of " + queries);
        }
    }

    public double accuracy() {
        return (double) correct / queries;
    }
}
