package io.metaloop.messaging;

/** Which batches a {@link BatchStream} pulls; the epoch is chosen per {@link BatchStream#open}. */
public record BatchQuery(String streamId, String dataset, String split, long seed, int batchSize, boolean shuffle,
                         boolean dropLast) {
}
