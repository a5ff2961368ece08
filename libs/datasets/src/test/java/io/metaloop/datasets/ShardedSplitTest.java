package io.metaloop.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardedSplitTest {
    /** Shards of 3, 0, 5 and 2 one-pixel images; image i has pixel i and labels (i, 100 + i). */
    private static ShardedSplit split(List<Integer> loaded) {
        int[] sizes = {3, 0, 5, 2};
        List<SplitData> shards = new ArrayList<>();
        int next = 0;
        for (int size : sizes) {
            byte[] px = new byte[size];
            int[] labels = new int[2 * size];
            for (int i = 0; i < size; i++, next++) {
                px[i] = (byte) next;
                labels[2 * i] = next;
                labels[2 * i + 1] = 100 + next;
            }
            shards.add(new SplitData(size, 1, 1, 1, 2, px, labels));
        }
        return new ShardedSplit(1, 1, 1, 2, List.of(3L, 0L, 5L, 2L), s -> {
            loaded.add(s);
            return shards.get(s);
        });
    }

    @Test
    void examplesAreFoundInTheirShardsAndOnlyThoseShardsAreRead() {
        List<Integer> loaded = new ArrayList<>();
        ShardedSplit split = split(loaded);
        assertEquals(10, split.count());
        int[] expectedShard = {0, 0, 0, 2, 2, 2, 2, 2, 3, 3};
        for (int i = 0; i < 10; i++) {
            assertEquals(expectedShard[i], split.shardOf(i), "example " + i);
        }
        byte[] px = new byte[1];
        int[] labels = new int[2];
        split.copy(4, px, 0, labels, 0);
        assertEquals(4, px[0]);
        assertArrayEquals(new int[] {4, 104}, labels);
        assertEquals(List.of(2), loaded, "reading example 4 touched its shard only");
        assertThrows(IndexOutOfBoundsException.class, () -> split.shardOf(10));
        assertThrows(IndexOutOfBoundsException.class, () -> split.shardOf(-1));
    }

    @Test
    void primaryLabelsCoverEveryShardInOrder() {
        ShardedSplit split = split(new ArrayList<>());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, split.primaryLabels());
    }
}
