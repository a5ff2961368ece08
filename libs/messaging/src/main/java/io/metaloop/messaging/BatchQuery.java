package io.metaloop.messaging;

import io.metaloop.contracts.Augmentation;

/** Which batches a {@link BatchStream} pulls; the epoch is chosen per {@link BatchStream#open}. */
public record BatchQuery(String streamId, String dataset, String split, long seed, int batchSize, boolean shuffle,
                         boolean dropLast, Augmentation augment) {
    /** Batches of the stored images, not augmented. */
    public BatchQuery(String streamId, String dataset, String split, long seed, int batchSize, boolean shuffle,
                      boolean dropLast) {
        this(streamId, dataset, split, seed, batchSize, shuffle, dropLast, Augmentation.NONE);
    }
}
