package io.metaloop.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SplitDataTest {

    /** 4 RGB-like images of 2×3 (18 bytes each), labels (i, 10·i, 100·i) at three levels. */
    private static SplitData four() {
        byte[] px = new byte[4 * 18];
        for (int k = 0; k < px.length; k++) {
            px[k] = (byte) k;
        }
        int[] labels = new int[4 * 3];
        for (int i = 0; i < 4; i++) {
            labels[3 * i] = i;
            labels[3 * i + 1] = 10 * i;
            labels[3 * i + 2] = 100 * i;
        }
        return new SplitData(4, 3, 2, 3, 3, px, labels);
    }

    @Test
    void imageBytes() {
        assertEquals(18, four().imageBytes());
        assertEquals(784, new SplitData(0, 1, 28, 28, 1, new byte[0], new int[0]).imageBytes());
    }

    @Test
    void headKeepsTheFirstImages() {
        SplitData h = four().head(2);
        assertEquals(2, h.count());
        assertEquals(3, h.channels());
        assertEquals(2, h.height());
        assertEquals(3, h.width());
        assertEquals(3, h.labelLevels());
        byte[] px = new byte[36];
        for (int k = 0; k < px.length; k++) {
            px[k] = (byte) k;
        }
        assertArrayEquals(px, h.pixels());
        assertArrayEquals(new int[] {0, 0, 0, 1, 10, 100}, h.labels());
    }

    @Test
    void headOfMoreThanCountKeepsAll() {
        SplitData all = four();
        SplitData h = all.head(1000);
        assertEquals(4, h.count());
        assertArrayEquals(all.pixels(), h.pixels());
        assertArrayEquals(all.labels(), h.labels());
        assertEquals(4, all.head(4).count());
    }

    @Test
    void headZeroIsEmpty() {
        SplitData h = four().head(0);
        assertEquals(0, h.count());
        assertEquals(0, h.pixels().length);
        assertEquals(0, h.labels().length);
        assertEquals(18, h.imageBytes());
    }

    @Test
    void headCopiesRatherThanSharesArrays() {
        SplitData all = four();
        SplitData h = all.head(2);
        h.pixels()[0] = 99;
        h.labels()[0] = 99;
        assertEquals(0, all.pixels()[0]);
        assertEquals(0, all.labels()[0]);
    }

    @Test
    void acceptsConsistentShapes() {
        new SplitData(2, 1, 1, 1, 1, new byte[2], new int[2]);
        new SplitData(2, 1, 1, 1, 0, new byte[2], new int[0]); // no labels at all
        new SplitData(0, 3, 32, 32, 2, new byte[0], new int[0]);
    }

    @Test
    void rejectsPixelLengthMismatch() {
        assertThrows(IllegalArgumentException.class, () -> new SplitData(4, 3, 2, 3, 3, new byte[71], new int[12]));
        assertThrows(IllegalArgumentException.class, () -> new SplitData(4, 3, 2, 3, 3, new byte[73], new int[12]));
        assertThrows(IllegalArgumentException.class, () -> new SplitData(1, 1, 28, 28, 1, new byte[0], new int[1]));
    }

    @Test
    void rejectsLabelLengthMismatch() {
        assertThrows(IllegalArgumentException.class, () -> new SplitData(4, 3, 2, 3, 3, new byte[72], new int[11]));
        assertThrows(IllegalArgumentException.class, () -> new SplitData(4, 3, 2, 3, 3, new byte[72], new int[4]));
        assertThrows(IllegalArgumentException.class, () -> new SplitData(4, 3, 2, 3, 1, new byte[72], new int[12]));
    }

    @Test
    void rejectsNegativeOrZeroShapesEvenWhenLengthsMultiplyOut() {
        // (-1)·(-1)·1·1 = 1 pixel and (-1)·(-1) = 1 label: the lengths "match"
        assertThrows(IllegalArgumentException.class, () -> new SplitData(-1, -1, 1, 1, -1, new byte[1], new int[1]));
        assertThrows(IllegalArgumentException.class, () -> new SplitData(2, 1, -1, -1, 1, new byte[2], new int[2]));
        assertThrows(IllegalArgumentException.class, () -> new SplitData(0, 0, 1, 1, 1, new byte[0], new int[0]));
        assertThrows(IllegalArgumentException.class, () -> new SplitData(0, 1, 0, 1, 1, new byte[0], new int[0]));
    }

    @Test
    void rejectsShapesWhoseSizeOverflows() {
        // 2^16 · 2^16 · 2^16 · 2^16 = 2^64, which wraps to 0 in a long
        assertThrows(IllegalArgumentException.class,
                () -> new SplitData(1 << 16, 1 << 16, 1 << 16, 1 << 16, 0, new byte[0], new int[0]));
        // an image of 2^32 bytes cannot be indexed with an int
        assertThrows(IllegalArgumentException.class,
                () -> new SplitData(0, 1 << 16, 1 << 16, 1, 1, new byte[0], new int[0]));
        // (2^31 - 1)^3 would wrap around in a long if multiplied out unchecked
        int max = Integer.MAX_VALUE;
        assertThrows(IllegalArgumentException.class, () -> new SplitData(0, max, max, max, 1, new byte[0], new int[0]));
        // the largest image an int can index is fine
        new SplitData(0, 1, 1, Integer.MAX_VALUE, 1, new byte[0], new int[0]);
    }
}
