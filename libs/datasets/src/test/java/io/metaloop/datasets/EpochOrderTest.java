package io.metaloop.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EpochOrderTest {

    /*
     * Reference values computed with an independent Python implementation of Vigna's SplitMix64:
     *
     * python3 -c "
     * M=(1<<64)-1;s=1234567
     * def n():
     *   global s; s=(s+0x9E3779B97F4A7C15)&M; z=s; z=((z^(z>>30))*0xBF58476D1CE4E5B9)&M; z=((z^(z>>27))*0x94D049BB133111EB)&M; return z^(z>>31)
     * print([hex(n()) for _ in range(5)])"
     */
    private static final long[] SPLITMIX64_SEED_1234567 = {
            0x599ed017fb08fc85L, 0x2c73f08458540fa5L, 0x883ebce5a3f27c77L, 0x3fbef740e9177b3fL, 0xe3b8346708cb5ecdL,
    };

    /** Same Python generator with seed 0; 0xe220a8397b1dcdaf is the widely published first output. */
    private static final long[] SPLITMIX64_SEED_0 = {0xe220a8397b1dcdafL, 0x6e789e6aa1b965f4L, 0x06c45d188009454fL};

    private static void assertPermutation(int[] order, int n) {
        assertEquals(n, order.length);
        boolean[] seen = new boolean[n];
        for (int v : order) {
            assertTrue(v >= 0 && v < n, "value " + v + " outside 0.." + (n - 1));
            assertFalse(seen[v], "value " + v + " twice");
            seen[v] = true;
        }
    }

    // ---------------------------------------------------------------- SplitMix64

    @Test
    void splitMix64MatchesReferenceVector() {
        SplitMix64 g = new SplitMix64(1234567L);
        for (long expected : SPLITMIX64_SEED_1234567) {
            assertEquals(expected, g.nextLong());
        }
        SplitMix64 zero = new SplitMix64(0L);
        for (long expected : SPLITMIX64_SEED_0) {
            assertEquals(expected, zero.nextLong());
        }
    }

    @Test
    void nextIntMatchesReferenceSequence() {
        // Python, same generator: r = next() >> 1; m = r % bound; retry while r - m + bound - 1 >= 2**63
        SplitMix64 g = new SplitMix64(1234567L);
        int[] tens = new int[10];
        for (int k = 0; k < tens.length; k++) {
            tens[k] = g.nextInt(10);
        }
        assertArrayEquals(new int[] {8, 6, 1, 5, 0, 7, 8, 8, 2, 8}, tens);
        SplitMix64 h = new SplitMix64(1234567L);
        int[] big = new int[5];
        for (int k = 0; k < big.length; k++) {
            big[k] = h.nextInt(1_000_003);
        }
        assertArrayEquals(new int[] {667132, 501403, 465496, 419179, 662656}, big);
        // and nextInt(bound) is (first reference output >>> 1) mod bound when nothing is rejected
        assertEquals(8, Long.remainderUnsigned(SPLITMIX64_SEED_1234567[0] >>> 1, 10));
    }

    @Test
    void nextIntStaysInRange() {
        SplitMix64 g = new SplitMix64(99L);
        for (int bound : new int[] {1, 2, 3, 7, 10, 255, 1 << 16, (1 << 30) + 1, Integer.MAX_VALUE}) {
            for (int k = 0; k < 2_000; k++) {
                int v = g.nextInt(bound);
                assertTrue(v >= 0 && v < bound, v + " outside [0, " + bound + ")");
            }
        }
        SplitMix64 one = new SplitMix64(5L);
        for (int k = 0; k < 100; k++) {
            assertEquals(0, one.nextInt(1));
        }
    }

    private static double chiSquare(long[] observed, double expectedEach) {
        double chi = 0;
        for (long o : observed) {
            chi += (o - expectedEach) * (o - expectedEach) / expectedEach;
        }
        return chi;
    }

    @Test
    void nextIntIsRoughlyUniform() {
        SplitMix64 g = new SplitMix64(20240601L);
        int draws = 100_000;
        long[] buckets = new long[10];
        for (int k = 0; k < draws; k++) {
            buckets[g.nextInt(10)]++;
        }
        // 9 degrees of freedom: P(chi² > 27.9) = 0.001; 40 is very generous
        double chi = chiSquare(buckets, draws / 10.0);
        assertTrue(chi < 40, "chi² " + chi + " for " + Arrays.toString(buckets));

        // a large bound that is not a power of two, bucketed by value into 3 equal thirds
        int bound = 3 << 29;
        long[] thirds = new long[3];
        for (int k = 0; k < 30_000; k++) {
            thirds[g.nextInt(bound) / (1 << 29)]++;
        }
        double chi3 = chiSquare(thirds, 10_000.0);
        assertTrue(chi3 < 25, "chi² " + chi3 + " for " + Arrays.toString(thirds)); // 2 dof
    }

    // ---------------------------------------------------------------- permutation

    @Test
    void isAPermutation() {
        for (int n : new int[] {2, 3, 10, 97, 1000, 20_000}) {
            assertPermutation(EpochOrder.permutation(n, 42L, 0), n);
            assertPermutation(EpochOrder.permutation(n, -1L, 7), n);
        }
    }

    @Test
    void emptyAndSingleton() {
        assertArrayEquals(new int[0], EpochOrder.permutation(0, 42L, 3));
        assertArrayEquals(new int[] {0}, EpochOrder.permutation(1, 42L, 3));
        assertArrayEquals(new int[] {0}, EpochOrder.permutation(1, Long.MIN_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void sameSeedAndEpochGiveTheSameOrder() {
        int[] a = EpochOrder.permutation(1000, 7L, 5);
        int[] b = EpochOrder.permutation(1000, 7L, 5);
        assertArrayEquals(a, b);
        assertTrue(a != b, "must be a fresh array each call");
    }

    @Test
    void differentEpochsGiveDifferentOrders() {
        Set<List<Integer>> orders = new HashSet<>();
        for (int epoch = 0; epoch < 20; epoch++) {
            orders.add(Arrays.stream(EpochOrder.permutation(100, 7L, epoch)).boxed().toList());
        }
        assertEquals(20, orders.size());
    }

    @Test
    void differentSeedsGiveDifferentOrders() {
        Set<List<Integer>> orders = new HashSet<>();
        for (long seed : new long[] {0, 1, 2, 3, -1, 42, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 32, 123456789L}) {
            orders.add(Arrays.stream(EpochOrder.permutation(100, seed, 0)).boxed().toList());
        }
        assertEquals(10, orders.size());
        assertFalse(Arrays.equals(EpochOrder.permutation(100, 1L, 1), EpochOrder.permutation(100, 2L, 1)));
    }

    @Test
    void shufflesRatherThanKeepingTheStoredOrder() {
        int[] order = EpochOrder.permutation(1000, 3L, 0);
        int fixedPoints = 0;
        for (int i = 0; i < order.length; i++) {
            if (order[i] == i) {
                fixedPoints++;
            }
        }
        // a uniform permutation has on average 1 fixed point; P(≥ 10) is negligible
        assertTrue(fixedPoints < 10, fixedPoints + " fixed points");
    }

    @Test
    void orderIsPinnedForever() {
        // Fisher–Yates (i from n-1 down to 1, j = nextInt(i + 1), swap) over SplitMix64 seeded with
        // seed·0x9E3779B97F4A7C15 + epoch (mod 2^64), computed independently in Python
        assertArrayEquals(new int[] {7, 6, 1, 2, 5, 3, 8, 0, 4, 9}, EpochOrder.permutation(10, 42L, 3));
        assertArrayEquals(new int[] {9, 4, 3, 7, 5, 2, 1, 0, 8, 6}, EpochOrder.permutation(10, 42L, 4));
        assertArrayEquals(new int[] {1, 3, 8, 4, 9, 6, 11, 2, 5, 7, 0, 10}, EpochOrder.permutation(12, -7L, 0));
    }

    @Test
    void allOrdersOfFourAreEquallyLikely() {
        // a Fisher–Yates shuffle picks each of the 4! = 24 orders with probability 1/24
        Map<List<Integer>, Integer> counts = new HashMap<>();
        int epochs = 24_000;
        for (int epoch = 0; epoch < epochs; epoch++) {
            counts.merge(Arrays.stream(EpochOrder.permutation(4, 11L, epoch)).boxed().toList(), 1, Integer::sum);
        }
        assertEquals(24, counts.size());
        long[] observed = counts.values().stream().mapToLong(Integer::longValue).toArray();
        double chi = chiSquare(observed, epochs / 24.0);
        // 23 degrees of freedom: P(chi² > 49.7) = 0.001; 70 is generous
        assertTrue(chi < 70, "chi² " + chi + " for " + counts);
    }

    @Test
    void positionsAreUniform() {
        // over many epochs, each example lands in each position about equally often
        int n = 5;
        int epochs = 20_000;
        long[][] at = new long[n][n];
        for (int epoch = 0; epoch < epochs; epoch++) {
            int[] order = EpochOrder.permutation(n, 2024L, epoch);
            for (int pos = 0; pos < n; pos++) {
                at[pos][order[pos]]++;
            }
        }
        for (int pos = 0; pos < n; pos++) {
            double chi = chiSquare(at[pos], epochs / (double) n);
            assertTrue(chi < 30, "position " + pos + ": " + Arrays.toString(at[pos])); // 4 dof
        }
        assertNotEquals(0, at[0][n - 1]);
    }
}
