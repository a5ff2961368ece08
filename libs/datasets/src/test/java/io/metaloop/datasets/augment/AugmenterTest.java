package io.metaloop.datasets.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.AugmentStep;
import io.metaloop.contracts.Augmentation;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.datasets.Batches;
import io.metaloop.datasets.EpochOrder;
import io.metaloop.datasets.ShardedSplit;
import io.metaloop.datasets.SplitData;
import io.metaloop.datasets.SplitMix64;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AugmenterTest {
    private static final int N = 40;
    private static final int SIDE = 16;

    /** 40 random 3×16×16 images; label = example index, second level = index mod 4. */
    private static SplitData data() {
        SplitMix64 r = new SplitMix64(77);
        byte[] px = new byte[N * 3 * SIDE * SIDE];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) r.nextInt(256);
        }
        int[] labels = new int[N * 2];
        for (int i = 0; i < N; i++) {
            labels[2 * i] = i;
            labels[2 * i + 1] = i % 4;
        }
        return new SplitData(N, 3, SIDE, SIDE, 2, px, labels);
    }

    private static byte[] view(Augmenter a, SplitData d, long seed, long round, int example, int view) {
        byte[] out = new byte[a.outputBytes()];
        a.augment(d.pixels(), example * d.imageBytes(), seed, round, example, view, out, 0);
        return out;
    }

    @Test
    void aViewIsAFunctionOfSeedRoundExampleAndViewOnly() {
        SplitData d = data();
        Augmenter a = new Augmenter(Augmentation.preset("simclr", 2), 3, SIDE, SIDE);
        byte[] first = view(a, d, 5, 3, 7, 1);
        for (int i = 0; i < 10; i++) {
            view(a, d, 5, 3, i, 0); // other work in between changes nothing
        }
        assertArrayEquals(first, view(a, d, 5, 3, 7, 1));
        assertArrayEquals(first, view(new Augmenter(Augmentation.preset("simclr", 2), 3, SIDE, SIDE), d, 5, 3, 7, 1));
        for (long[] other : new long[][] {{6, 3, 7, 1}, {5, 4, 7, 1}, {5, 3, 7, 0}}) {
            assertFalse(Arrays.equals(first, view(a, d, other[0], other[1], 7, (int) other[3])),
                    "changing " + Arrays.toString(other) + " changes the view");
        }
    }

    @Test
    void augmentedBatchesAreViewMajorWithLabelsRepeated() {
        SplitData d = data();
        Augmenter a = new Augmenter(new Augmentation(null, List.of(AugmentStep.of("random-crop", "size", 12, "padding", 2),
                AugmentStep.of("horizontal-flip")), 3), 3, SIDE, SIDE);
        int[] order = EpochOrder.permutation(N, 11, 2);
        BatchFrame b = Batches.assemble(ShardedSplit.inMemory(d), order, 2, 1, 8, true, a, 11);
        assertEquals(24, b.count());
        assertEquals(12, b.height());
        assertEquals(12, b.width());
        for (int v = 0; v < 3; v++) {
            for (int k = 0; k < 8; k++) {
                int example = order[8 + k];
                int row = v * 8 + k;
                assertEquals(example, b.label(row, 0));
                assertEquals(example % 4, b.label(row, 1));
                assertArrayEquals(view(a, d, 11, 2, example, v),
                        Arrays.copyOfRange(b.pixels(), row * b.imageBytes(), (row + 1) * b.imageBytes()));
            }
        }
    }

    @Test
    void anExamplesViewsDoNotDependOnTheBatchItLandsIn() {
        SplitData d = data();
        Augmenter a = new Augmenter(Augmentation.preset("crop-flip", 2), 3, SIDE, SIDE);
        BatchFrame small = Batches.assemble(ShardedSplit.inMemory(d), null, 0, 3, 4, false, a, 1); // examples 12..15
        BatchFrame large = Batches.assemble(ShardedSplit.inMemory(d), null, 0, 1, 10, false, a, 1); // examples 10..19
        int bytes = small.imageBytes();
        for (int v = 0; v < 2; v++) {
            for (int k = 0; k < 4; k++) {
                int rowSmall = v * 4 + k;
                int rowLarge = v * 10 + (k + 2);
                assertArrayEquals(Arrays.copyOfRange(small.pixels(), rowSmall * bytes, (rowSmall + 1) * bytes),
                        Arrays.copyOfRange(large.pixels(), rowLarge * bytes, (rowLarge + 1) * bytes));
            }
        }
    }

    @Test
    void noAugmentationServesTheStoredImages() {
        SplitData d = data();
        Augmenter none = new Augmenter(Augmentation.NONE, 3, SIDE, SIDE);
        assertTrue(none.isIdentity());
        assertEquals(Batches.assemble(ShardedSplit.inMemory(d), null, 0, 0, 8, true), Batches.assemble(ShardedSplit.inMemory(d), null, 0, 0, 8, true, none, 3));
        // two views without steps are two identical copies
        Augmenter twice = new Augmenter(new Augmentation(null, List.of(), 2), 3, SIDE, SIDE);
        BatchFrame b = Batches.assemble(ShardedSplit.inMemory(d), null, 0, 0, 8, true, twice, 3);
        int half = 8 * b.imageBytes();
        assertArrayEquals(Arrays.copyOfRange(b.pixels(), 0, half), Arrays.copyOfRange(b.pixels(), half, 2 * half));
    }

    @Test
    void aStepThatDoesNotFitTheImagesNamesItself() {
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> new Augmenter(
                new Augmentation(null, List.of(AugmentStep.of("resize", "size", 8), AugmentStep.of("center-crop", "size", 10)), 1),
                3, SIDE, SIDE));
        assertEquals("augment.steps[1]", e.errors().get(0).field());
        assertTrue(e.getMessage().contains("3×8×8"), e.getMessage());
    }

    @Test
    void presetsBuildOnTheSeedPapersImageSizes() {
        for (String preset : Augmentation.PRESETS.keySet()) {
            for (int side : new int[] {28, 32, 64, 84, 96}) {
                Augmenter a = new Augmenter(Augmentation.preset(preset, 1), 3, side, side);
                assertArrayEquals(new int[] {3, side, side}, a.outputShape(), preset + " at " + side);
            }
        }
        Augmenter noSteps = new Augmenter(Augmentation.NONE, 1, 28, 28);
        assertEquals(1, noSteps.views());
    }
}
