package io.metaloop.learning.train;

import io.metaloop.contracts.frame.BatchFrame;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads batches ahead on a background thread, so the training step never pays for receiving and
 * decoding the next batch, and starts the next epoch as soon as the current one has been read,
 * so its first batches arrive while the last steps and the checkpoint of this one run. At most
 * {@code depth} batches wait in memory; the inner source bounds what is in flight beyond that.
 *
 * <p>Used by one training loop: epochs are opened in order, one at a time, as the loop does.
 */
public final class PrefetchingBatchSource implements BatchSource, AutoCloseable {
    private final BatchSource inner;
    private final int depth;
    private final int lastEpoch;
    private Reader ahead; // the reader of the next epoch, started before it was asked for
    private boolean closed;

    /**
     * @param lastEpoch the last epoch that will be opened; nothing is read beyond it
     */
    public PrefetchingBatchSource(BatchSource inner, int depth, int lastEpoch) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1, got " + depth);
        }
        this.inner = inner;
        this.depth = depth;
        this.lastEpoch = lastEpoch;
    }

    @Override
    public synchronized EpochStream open(int epoch, long fromBatch) {
        Reader reader;
        if (ahead != null && ahead.epoch == epoch && fromBatch == 0) {
            reader = ahead;
        } else {
            if (ahead != null) {
                ahead.stop();
            }
            reader = new Reader(epoch, fromBatch);
        }
        ahead = null;
        return reader;
    }

    private synchronized void readNext(int finishedEpoch) {
        if (!closed && finishedEpoch < lastEpoch && ahead == null) {
            ahead = new Reader(finishedEpoch + 1, 0);
        }
    }

    /** Stops reading ahead and waits for the reader to let go of the inner source. */
    @Override
    public synchronized void close() {
        closed = true;
        if (ahead != null) {
            ahead.stop();
            ahead = null;
        }
    }

    /** What the background thread hands over: a batch, the end of the epoch, or a failure. */
    private record Item(BatchFrame batch, RuntimeException failure) {
        static final Item END = new Item(null, null);
    }

    private final class Reader implements EpochStream {
        final int epoch;
        private final long fromBatch;
        private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(depth);
        private final Thread thread;
        private boolean ended;

        Reader(int epoch, long fromBatch) {
            this.epoch = epoch;
            this.fromBatch = fromBatch;
            this.thread = new Thread(this::run, "prefetch-epoch-" + epoch);
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try (EpochStream stream = inner.open(epoch, fromBatch)) {
                for (BatchFrame batch; (batch = stream.next()) != null; ) {
                    queue.put(new Item(batch, null));
                }
                queue.put(Item.END);
            } catch (InterruptedException e) {
                return; // stopped: the epoch is no longer wanted
            } catch (RuntimeException e) {
                try {
                    queue.put(new Item(null, e));
                } catch (InterruptedException stopped) {
                    // nobody is waiting for this epoch any more
                }
                return;
            }
            readNext(epoch);
        }

        @Override
        public BatchFrame next() throws InterruptedException {
            if (ended) {
                return null;
            }
            Item item = queue.take();
            if (item.failure() != null) {
                ended = true;
                throw item.failure();
            }
            if (item == Item.END) {
                ended = true;
                return null;
            }
            return item.batch();
        }

        /** Interrupts the reader and waits until it has stopped using the inner source. */
        void stop() {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            if (!ended) {
                stop();
            }
        }
    }
}
