package io.metaloop.contracts;

/**
 * A frozen few-shot test protocol: which episodes a figure is measured on. The episodes of trials
 * 0 … T−1 are a function of the dataset's content, the split, the episode shape and the seed; their
 * list (for every trial, the class and image index of every support and query image, in order),
 * hashed with SHA-256 together with the dataset hash, split and image shape, is the protocol's
 * identity {@code id}. Results are comparable exactly when their protocol ids are equal.
 *
 * @param id            hex SHA-256 of the episode list (see above)
 * @param datasetSha256 hex SHA-256 over the split's shard hashes: the dataset content the episodes index into
 */
public record FewShotProtocol(String id, String dataset, String datasetSha256, String split, int channels, int height,
                              int width, int ways, int shots, int queries, int trials, long seed) {
    public FewShotProtocol {
        Messages.require("id", id);
        Messages.require("dataset", dataset);
        Messages.require("datasetSha256", datasetSha256);
        Messages.require("split", split);
        if (!id.matches("[0-9a-f]{64}")) {
            throw new InvalidMessageException("id", "must be a hex SHA-256 (64 lower-case hex digits), got '" + id + "'");
        }
        if (ways < 1 || shots < 1 || queries < 1 || trials < 1) {
            throw new InvalidMessageException("ways", "ways, shots, queries and trials must be >= 1, got " + ways + ", "
                    + shots + ", " + queries + ", " + trials);
        }
    }

    /** "5-way 1-shot 15-query, 600 trials of omniglot/test (seed 0)". */
    public String describe() {
        return ways + "-way " + shots + "-shot " + queries + "-query, " + trials + " trials of " + dataset + "/" + split
                + " (seed " + seed + ")";
    }
}
