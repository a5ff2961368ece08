package io.metaloop.datasets;

/**
 * The order of a split's examples in one epoch: a Fisher–Yates shuffle driven by SplitMix64
 * seeded from (seed, epoch). Written out here rather than borrowed from java.util so the order
 * can never change with the JDK: same (seed, epoch), same batches, on every replica, forever.
 */
public final class EpochOrder {
    private EpochOrder() {
    }

    public static int[] permutation(int n, long seed, int epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplitMix64 random = new SplitMix64(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
