package io.metaloop.learning.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.frame.BatchFrame;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrefetchingBatchSourceTest {
    /** An in-memory source that records what was opened, read and closed. */
    private static final class Recording implements BatchSource {
        final int perEpoch;
        final List<Integer> opened = new CopyOnWriteArrayList<>();
        final List<Integer> closed = new CopyOnWriteArrayList<>();
        final AtomicInteger read = new AtomicInteger();
        final int failAt;

        Recording(int perEpoch, int failAt) {
            this.perEpoch = perEpoch;
            this.failAt = failAt;
        }

        @Override
        public EpochStream open(int epoch, long fromBatch) {
            opened.add(epoch);
            return new EpochStream() {
                long next = fromBatch;

                @Override
                public BatchFrame next() {
                    if (next == failAt) {
                        throw new IllegalStateException("broker gone at batch " + next);
                    }
                    if (next == perEpoch) {
                        return null;
                    }
                    read.incrementAndGet();
                    return new BatchFrame(epoch, next++, perEpoch, 1, 1, 1, 1, 1, new byte[] {(byte) epoch}, new int[] {0});
                }

                @Override
                public void close() {
                    closed.add(epoch);
                }
            };
        }
    }

    private static void eventually(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void everyEpochIsDeliveredInOrderAndTheNextIsReadBeforeItIsAskedFor() throws Exception {
        Recording inner = new Recording(5, -1);
        try (PrefetchingBatchSource source = new PrefetchingBatchSource(inner, 3, 2)) {
            for (int epoch = 0; epoch <= 2; epoch++) {
                try (BatchSource.EpochStream stream = source.open(epoch, 0)) {
                    for (int i = 0; i < 5; i++) {
                        BatchFrame b = stream.next();
                        assertEquals(epoch, b.epoch());
                        assertEquals(i, b.batchIndex());
                    }
                    assertNull(stream.next());
                    assertNull(stream.next(), "an ended epoch stays ended");
                }
                if (epoch < 2) {
                    int following = epoch + 1;
                    eventually(() -> inner.opened.contains(following), "epoch " + following + " is opened ahead");
                    eventually(() -> inner.read.get() >= 5 * following + 3, "the next epoch's first batches are read");
                }
            }
            Thread.sleep(50);
            assertEquals(List.of(0, 1, 2), inner.opened, "nothing is read past the last epoch");
        }
        assertEquals(List.of(0, 1, 2), inner.closed);
    }

    @Test
    void readingAheadStopsAtItsDepth() throws Exception {
        Recording inner = new Recording(100, -1);
        try (PrefetchingBatchSource source = new PrefetchingBatchSource(inner, 4, 0);
             BatchSource.EpochStream stream = source.open(0, 0)) {
            eventually(() -> inner.read.get() >= 5, "the queue fills");
            Thread.sleep(100);
            // four queued, one more taken from the inner source and waiting for room
            assertEquals(5, inner.read.get(), "read ahead is bounded");
            assertEquals(0, stream.next().batchIndex());
        }
        eventually(() -> inner.closed.contains(0), "closing stops the reader and closes the inner stream");
    }

    @Test
    void aFailureReachesTheTrainingThreadAfterTheBatchesBeforeIt() throws Exception {
        Recording inner = new Recording(10, 2);
        try (PrefetchingBatchSource source = new PrefetchingBatchSource(inner, 8, 0);
             BatchSource.EpochStream stream = source.open(0, 0)) {
            assertEquals(0, stream.next().batchIndex());
            assertEquals(1, stream.next().batchIndex());
            IllegalStateException e = assertThrows(IllegalStateException.class, stream::next);
            assertTrue(e.getMessage().contains("batch 2"));
            assertNull(stream.next());
        }
    }

    @Test
    void aResumedEpochStartsAtItsBatchEvenWhenThatEpochWasReadAhead() throws Exception {
        Recording inner = new Recording(4, -1);
        try (PrefetchingBatchSource source = new PrefetchingBatchSource(inner, 2, 1)) {
            try (BatchSource.EpochStream stream = source.open(0, 0)) {
                while (stream.next() != null) {
                    // drain
                }
            }
            eventually(() -> inner.opened.contains(1), "epoch 1 is opened ahead from its first batch");
            try (BatchSource.EpochStream stream = source.open(1, 2)) {
                assertEquals(2, stream.next().batchIndex());
                assertEquals(3, stream.next().batchIndex());
                assertNull(stream.next());
            }
        }
    }

    @Test
    void openingAnotherEpochThanTheOneReadAheadDropsIt() throws Exception {
        Recording inner = new Recording(3, -1);
        try (PrefetchingBatchSource source = new PrefetchingBatchSource(inner, 2, 5)) {
            try (BatchSource.EpochStream stream = source.open(0, 0)) {
                while (stream.next() != null) {
                    // drain
                }
            }
            eventually(() -> inner.opened.contains(1), "epoch 1 is opened ahead");
            try (BatchSource.EpochStream stream = source.open(3, 0)) {
                assertEquals(3, stream.next().epoch());
            }
            eventually(() -> inner.closed.contains(1), "the unwanted epoch is closed");
            assertEquals(List.of(0, 1, 3), inner.opened.subList(0, 3), "epoch 2 is never read");
        }
    }
}
