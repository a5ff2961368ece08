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

    /** Sebastiano Vigna's SplitMix64 generator. */
    static final class SplitMix64 {
        private long state;

        SplitMix64(long seed) {
            this.state = seed;
        }

        long nextLong() {
            long z = (state += 0x9E3779B97F4A7C15L);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        /** Uniform in [0, bound): rejects the last incomplete block of 63-bit values so there is no modulo bias. */
        int nextInt(int bound) {
            long r;
            long m;
            do {
                r = nextLong() >>> 1;
                m = r % bound;
            } while (r - m + (bound - 1) < 0);
            return (int) m;
        }
    }
}
