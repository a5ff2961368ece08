package io.metaloop.learning.train;

import io.metaloop.contracts.frame.BatchFrame;

/** Where an epoch's batches come from (Kafka in the services, memory in tests). */
public interface BatchSource {
    /**
     * Starts delivering the batches of one epoch in order, from batch {@code fromBatch} (0 for a
     * whole epoch; more when a run resumes from a checkpoint taken inside the epoch).
     */
    EpochStream open(int epoch, long fromBatch);

    interface EpochStream extends AutoCloseable {
        /** The next batch, or null once the epoch is over; blocks while it is on its way. */
        BatchFrame next() throws InterruptedException;

        @Override
        void close();
    }
}
