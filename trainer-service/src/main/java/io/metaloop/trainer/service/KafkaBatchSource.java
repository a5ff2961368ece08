package io.metaloop.trainer.service;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.learning.train.BatchSource;
import io.metaloop.messaging.BatchStream;

/** The training loop's view of a {@link BatchStream}: one epoch at a time. */
final class KafkaBatchSource implements BatchSource {
    private final BatchStream stream;

    KafkaBatchSource(BatchStream stream) {
        this.stream = stream;
    }

    @Override
    public EpochStream open(int epoch, long fromBatch) {
        BatchStream.EpochReader reader = stream.open(epoch, fromBatch);
        return new EpochStream() {
            @Override
            public BatchFrame next() throws InterruptedException {
                return reader.next();
            }

            @Override
            public void close() {
                // the stream stays open for the next epoch; the job closes it
            }
        };
    }
}
