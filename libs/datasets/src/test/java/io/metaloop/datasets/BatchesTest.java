package io.metaloop.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.frame.FrameCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchesTest {
    private static final int N = 25;
    private static final int H = 2;
    private static final int W = 2;
    private static final int IMAGE_BYTES = H * W;

    /** Pixel j of example i: unique per (i, j) since 25·4 = 100 < 256. */
    private static int pixel(int example, int j) {
        return example * IMAGE_BYTES + j;
    }

    private static int coarse(int example) {
        return example % 10;
    }

    private static int fine(int example) {
        return 100 + example;
    }

    /** 25 single-channel 2×2 images, two label levels. */
    /** The 25 images below cut into shards of 7, 7, 7 and 4, so batches cross shard boundaries. */
    private static ShardedSplit data() {
        SplitData all = whole();
        int per = 7;
        List<SplitData> shards = new ArrayList<>();
        for (int from = 0; from < N; from += per) {
            int n = Math.min(per, N - from);
            shards.add(new SplitData(n, 1, H, W, 2, Arrays.copyOfRange(all.pixels(), from * IMAGE_BYTES, (from + n) * IMAGE_BYTES),
                    Arrays.copyOfRange(all.labels(), from * 2, (from + n) * 2)));
        }
        return new ShardedSplit(1, H, W, 2, shards.stream().map(sh -> (long) sh.count()).toList(), shards::get);
    }

    private static SplitData whole() {
        byte[] px = new byte[N * IMAGE_BYTES];
        int[] labels = new int[N * 2];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < IMAGE_BYTES; j++) {
                px[i * IMAGE_BYTES + j] = (byte) pixel(i, j);
            }
            labels[2 * i] = coarse(i);
            labels[2 * i + 1] = fine(i);
        }
        return new SplitData(N, 1, H, W, 2, px, labels);
    }

    /** A hand-written permutation of 0..24. */
    private static final int[] ORDER = {
            24, 3, 17, 0, 8, 12, 21, 5, 19, 1,
            14, 22, 7, 10, 2, 18, 23, 6, 11, 16,
            4, 20, 9, 15, 13,
    };

    /** Checks that {@code frame} holds exactly {@code examples}, in that order. */
    private static void assertHolds(BatchFrame frame, int... examples) {
        assertEquals(examples.length, frame.count());
        assertEquals(1, frame.channels());
        assertEquals(H, frame.height());
        assertEquals(W, frame.width());
        assertEquals(2, frame.labelLevels());
        byte[] px = new byte[examples.length * IMAGE_BYTES];
        int[] labels = new int[examples.length * 2];
        for (int k = 0; k < examples.length; k++) {
            for (int j = 0; j < IMAGE_BYTES; j++) {
                px[k * IMAGE_BYTES + j] = (byte) pixel(examples[k], j);
            }
            labels[2 * k] = coarse(examples[k]);
            labels[2 * k + 1] = fine(examples[k]);
        }
        assertArrayEquals(px, frame.pixels());
        assertArrayEquals(labels, frame.labels());
        for (int k = 0; k < examples.length; k++) {
            assertEquals(coarse(examples[k]), frame.label(k, 0));
            assertEquals(fine(examples[k]), frame.label(k, 1));
        }
    }

    @Test
    void count() {
        assertEquals(3, Batches.count(25, 10, false));
        assertEquals(2, Batches.count(25, 10, true));
        assertEquals(2, Batches.count(20, 10, false));
        assertEquals(2, Batches.count(20, 10, true));
        assertEquals(1, Batches.count(9, 10, false));
        assertEquals(0, Batches.count(9, 10, true));
        assertEquals(0, Batches.count(0, 10, false));
        assertEquals(0, Batches.count(0, 10, true));
        assertEquals(25, Batches.count(25, 1, true));
        assertEquals(1, Batches.count(1, 1, false));
        // 60,000 / 128 = 468.75
        assertEquals(469, Batches.count(60_000, 128, false));
        assertEquals(468, Batches.count(60_000, 128, true));
        // beyond int range
        assertEquals(5_000_000_000L / 64, Batches.count(5_000_000_000L, 64, true));
    }

    @Test
    void storedOrderWithoutAnOrderArray() {
        ShardedSplit d = data();
        assertHolds(Batches.assemble(d, null, 0, 0, 10, false), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertHolds(Batches.assemble(d, null, 0, 1, 10, false), 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
        assertHolds(Batches.assemble(d, null, 0, 2, 10, false), 20, 21, 22, 23, 24);
    }

    @Test
    void followsTheOrderArray() {
        ShardedSplit d = data();
        assertHolds(Batches.assemble(d, ORDER, 3, 0, 10, false), 24, 3, 17, 0, 8, 12, 21, 5, 19, 1);
        assertHolds(Batches.assemble(d, ORDER, 3, 1, 10, false), 14, 22, 7, 10, 2, 18, 23, 6, 11, 16);
        assertHolds(Batches.assemble(d, ORDER, 3, 1, 10, true), 14, 22, 7, 10, 2, 18, 23, 6, 11, 16);
        // last, partial batch
        assertHolds(Batches.assemble(d, ORDER, 3, 2, 10, false), 4, 20, 9, 15, 13);
        // batch size 7: batch 2 is order[14..20]
        assertHolds(Batches.assemble(d, ORDER, 3, 2, 7, false), 2, 18, 23, 6, 11, 16, 4);
    }

    @Test
    void everyExampleOnceAcrossAnEpoch() {
        ShardedSplit d = data();
        int[] order = EpochOrder.permutation(N, 5L, 2);
        int[] seen = new int[N];
        long batches = Batches.count(N, 4, false);
        for (long b = 0; b < batches; b++) {
            BatchFrame f = Batches.assemble(d, order, 2, b, 4, false);
            for (int k = 0; k < f.count(); k++) {
                seen[f.label(k, 1) - 100]++;
            }
        }
        for (int i = 0; i < N; i++) {
            assertEquals(1, seen[i], "example " + i);
        }
    }

    @Test
    void frameMetadata() {
        ShardedSplit d = data();
        BatchFrame f = Batches.assemble(d, ORDER, 7, 1, 10, false);
        assertEquals(7, f.epoch());
        assertEquals(1, f.batchIndex());
        assertEquals(Batches.count(N, 10, false), f.epochBatches());
        assertEquals(3, f.epochBatches());
        BatchFrame dropped = Batches.assemble(d, null, 7, 1, 10, true);
        assertEquals(Batches.count(N, 10, true), dropped.epochBatches());
        assertEquals(2, dropped.epochBatches());
        BatchFrame exact = Batches.assemble(d, null, 0, 4, 5, true);
        assertEquals(5, exact.epochBatches());
        assertEquals(5, exact.count());
        // the frame survives the wire format
        assertEquals(f, FrameCodec.decodeBatch(FrameCodec.encode(f)));
    }

    @Test
    void batchIndexOutOfRange() {
        ShardedSplit d = data();
        assertThrows(IllegalArgumentException.class, () -> Batches.assemble(d, null, 0, -1, 10, false));
        assertThrows(IllegalArgumentException.class, () -> Batches.assemble(d, null, 0, 3, 10, false));
        // with dropLast the partial batch 2 does not exist
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Batches.assemble(d, ORDER, 0, 2, 10, true));
        assertTrue(e.getMessage().contains("2 batches"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Batches.assemble(d, null, 0, Long.MAX_VALUE, 10, false));
        // fewer images than one batch and dropLast: no batches at all
        assertThrows(IllegalArgumentException.class, () -> Batches.assemble(d, null, 0, 0, 30, true));
        // an empty split has no batches
        ShardedSplit empty = ShardedSplit.inMemory(new SplitData(0, 1, H, W, 2, new byte[0], new int[0]));
        assertThrows(IllegalArgumentException.class, () -> Batches.assemble(empty, null, 0, 0, 10, false));
    }

    @Test
    void oneBatchLargerThanTheSplit() {
        ShardedSplit d = data();
        BatchFrame f = Batches.assemble(d, null, 0, 0, 100, false);
        assertEquals(1, f.epochBatches());
        assertEquals(N, f.count());
        assertArrayEquals(whole().pixels(), f.pixels(), "all four shards, in order");
        assertArrayEquals(whole().labels(), f.labels());
    }
}
