package io.metaloop.learning.train;

/**
 * A training method that prepares itself at the start of every epoch from the whole training split
 * (DeepCluster's clustering pass: features of every image, k-means, the epoch's pseudo-labels).
 * {@link TrainingLoop} calls {@link #prepareEpoch} before the first batch of each epoch it starts
 * from batch 0; it does not call it when a run resumes inside an epoch, so a method must checkpoint
 * whatever it prepared (its {@code extraState}) for the rest of that epoch.
 */
public interface EpochPreparation {
    /**
     * Prepares epoch {@code epoch}.
     *
     * @param trainingSplit the whole training split: {@code trainingSplit.open(epoch, 0)} delivers
     *                      every image of the split once, in stored order (example i of the split is
     *                      the i-th image delivered), not augmented, last batch kept even when short
     * @throws InterruptedException when interrupted while waiting for the split's batches
     */
    void prepareEpoch(int epoch, BatchSource trainingSplit) throws InterruptedException;
}
