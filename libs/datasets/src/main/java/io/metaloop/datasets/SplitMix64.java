package io.metaloop.datasets;

/**
 * Sebastiano Vigna's SplitMix64 generator: every random choice on the data side (epoch orders,
 * episodes, augmentations) is drawn from it, written out here so it can never change with the JDK.
 */
public final class SplitMix64 {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** A generator for one coordinate of a keyed stream, e.g. (seed, epoch, example, view). */
    public static SplitMix64 keyed(long... key) {
        long h = 0x5851F42D4C957F2DL;
        for (long k : key) {
            h = mix(h ^ mix(k + GOLDEN));
        }
        return new SplitMix64(h);
    }

    /** The whole state: {@code new SplitMix64(state())} continues with the same numbers (what checkpoints store). */
    public long state() {
        return state;
    }

    public long nextLong() {
        return mix(state += GOLDEN);
    }

    /** Uniform in [0, bound): rejects the last incomplete block of 63-bit values so there is no modulo bias. */
    public int nextInt(int bound) {
        long r;
        long m;
        do {
            r = nextLong() >>> 1;
            m = r % bound;
        } while (r - m + (bound - 1) < 0);
        return (int) m;
    }

    /** Uniform in [0, 1), 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [a, b). */
    public double uniform(double a, double b) {
        return a + (b - a) * nextDouble();
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
