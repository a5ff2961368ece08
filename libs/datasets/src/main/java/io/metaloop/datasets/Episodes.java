package io.metaloop.datasets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * N-way K-shot Q-query episodes over one split: a function of (seed, trial index) only, so an
 * evaluation's episodes are identical across runs, replicas and restarts, and evaluation can be
 * sharded by trial ranges. Within an episode the N classes are distinct and the K + Q images of
 * each class are distinct (sampled without replacement); episodes are independent of each other
 * (images may recur across episodes), as in PyTorch-MAML's sampler.
 */
public final class Episodes {
    private static final long DOMAIN = 0xE7037ED1A0B428DBL; // keeps episode streams apart from epoch orders

    private final int[][] examplesByClass; // class → example indices in the split, ascending
    private final int[] classes;            // classes that have at least one example
    private final int smallestClass;

    /**
     * @param labels     the split's primary labels, one per example
     * @param classCount number of classes of the dataset's primary level
     */
    public Episodes(int[] labels, int classCount) {
        int[] sizes = new int[classCount];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classCount) {
                throw new IllegalArgumentException("label " + labels[i] + " of example " + i + " outside [0, " + classCount + ")");
            }
            sizes[labels[i]]++;
        }
        examplesByClass = new int[classCount][];
        for (int c = 0; c < classCount; c++) {
            examplesByClass[c] = new int[sizes[c]];
        }
        int[] filled = new int[classCount];
        for (int i = 0; i < labels.length; i++) {
            examplesByClass[labels[i]][filled[labels[i]]++] = i;
        }
        classes = java.util.stream.IntStream.range(0, classCount).filter(c -> sizes[c] > 0).toArray();
        smallestClass = Arrays.stream(classes).map(c -> sizes[c]).min().orElse(0);
    }

    /** Classes present in the split. */
    public int classCount() {
        return classes.length;
    }

    /** Images in the split's smallest class. */
    public int smallestClass() {
        return smallestClass;
    }

    /**
     * One episode.
     *
     * @param classes global class of each way, in way order (way w has episode label w)
     * @param support support[w] = the K example indices of way w
     * @param query   query[w] = the Q example indices of way w
     */
    public record Episode(long trial, int[] classes, int[][] support, int[][] query) {
    }

    /** Checks that (ways, shots, queries) fit this split; the message names the number that does not. */
    public void requireFits(int ways, int shots, int queries) {
        if (ways < 1) {
            throw new IllegalArgumentException("ways must be at least 1, got " + ways);
        }
        if (shots < 1 || queries < 0) {
            throw new IllegalArgumentException("shots must be at least 1 and queries at least 0, got shots=" + shots
                    + " queries=" + queries);
        }
        if (ways > classes.length) {
            throw new IllegalArgumentException("ways=" + ways + " is more than the " + classes.length
                    + " classes of the split");
        }
        if (shots + queries > smallestClass) {
            throw new IllegalArgumentException("shots+queries=" + (shots + queries) + " is more than the "
                    + smallestClass + " images of the split's smallest class");
        }
    }

    public Episode episode(long seed, long trial, int ways, int shots, int queries) {
        requireFits(ways, shots, queries);
        SplitMix64 random = new SplitMix64((seed ^ DOMAIN) * 0x9E3779B97F4A7C15L + trial);
        int[] chosen = firstOfShuffle(classes.clone(), ways, random);
        int[][] support = new int[ways][];
        int[][] query = new int[ways][];
        for (int w = 0; w < ways; w++) {
            int[] picked = firstOfShuffle(examplesByClass[chosen[w]].clone(), shots + queries, random);
            support[w] = Arrays.copyOfRange(picked, 0, shots);
            query[w] = Arrays.copyOfRange(picked, shots, shots + queries);
        }
        return new Episode(trial, chosen, support, query);
    }

    /** Trials {@code [from, to)}; a meta-batch of B episodes for step s is trials [sB, sB + B). */
    public List<Episode> episodes(long seed, long from, long to, int ways, int shots, int queries) {
        List<Episode> out = new ArrayList<>();
        for (long t = from; t < to; t++) {
            out.add(episode(seed, t, ways, shots, queries));
        }
        return out;
    }

    /** The first {@code k} entries of a uniformly random permutation (a partial Fisher–Yates shuffle). */
    private static int[] firstOfShuffle(int[] values, int k, SplitMix64 random) {
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(values.length - i);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
        return Arrays.copyOf(values, k);
    }
}
