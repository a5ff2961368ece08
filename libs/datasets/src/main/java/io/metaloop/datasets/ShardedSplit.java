package io.metaloop.datasets;

import java.util.List;

/**
 * One split read shard by shard: a batch or episode loads only the shards that hold its images,
 * so serving the first batch of an unshuffled pass needs one shard, not the whole split, and a
 * split may be larger than one Java array (STL-10's 100,000 unlabeled 96×96 images are 2.8 GB).
 * The loader decides what stays in memory (see {@code DatasetStore}'s shard cache).
 */
public final class ShardedSplit {
    /** Loads shard {@code index} of the split, verified and decoded. */
    @FunctionalInterface
    public interface ShardLoader {
        SplitData load(int index);
    }

    private final int channels;
    private final int height;
    private final int width;
    private final int labelLevels;
    private final long[] starts; // starts[s] = first example of shard s; starts[shards] = count
    private final ShardLoader loader;
    private volatile int[] primaryLabels;

    /**
     * @param shardSizes images in each shard, in order
     */
    public ShardedSplit(int channels, int height, int width, int labelLevels, List<Long> shardSizes, ShardLoader loader) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.labelLevels = labelLevels;
        this.loader = loader;
        this.starts = new long[shardSizes.size() + 1];
        for (int s = 0; s < shardSizes.size(); s++) {
            starts[s + 1] = starts[s] + shardSizes.get(s);
        }
        if (starts[shardSizes.size()] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a split of " + starts[shardSizes.size()] + " images is too large");
        }
    }

    /** A split that is already in memory, as one shard. */
    public static ShardedSplit inMemory(SplitData data) {
        return new ShardedSplit(data.channels(), data.height(), data.width(), data.labelLevels(),
                List.of((long) data.count()), index -> data);
    }

    /** The split as its manifest lists it, each shard read by {@code loader}. */
    public static ShardedSplit of(DatasetManifest manifest, String split, ShardLoader loader) {
        DatasetManifest.SplitManifest sm = manifest.splits().get(split);
        if (sm == null) {
            throw new IllegalArgumentException("dataset '" + manifest.name() + "' has no split '" + split + "'; it has "
                    + manifest.splits().keySet());
        }
        return new ShardedSplit(manifest.channels(), manifest.height(), manifest.width(), manifest.labelLevels(),
                sm.shards().stream().map(info -> (long) info.examples()).toList(), loader);
    }

    public int count() {
        return (int) starts[starts.length - 1];
    }

    /** Images in shard {@code s}. */
    public long shardSize(int s) {
        return starts[s + 1] - starts[s];
    }

    public int shards() {
        return starts.length - 1;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int labelLevels() {
        return labelLevels;
    }

    public int imageBytes() {
        return channels * height * width;
    }

    /** The shard holding {@code example}. */
    public int shardOf(int example) {
        if (example < 0 || example >= count()) {
            throw new IndexOutOfBoundsException("example " + example + " outside [0, " + count() + ")");
        }
        int lo = 0;
        int hi = shards() - 1;
        while (lo < hi) { // last shard whose start is <= example
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= example) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Shard {@code s}, loaded. */
    public SplitData shard(int s) {
        return loader.load(s);
    }

    /** Copies one example's pixels and labels (every level) into the given arrays. */
    public void copy(int example, byte[] pixels, int pixelsAt, int[] labels, int labelsAt) {
        int shard = shardOf(example);
        SplitData data = loader.load(shard);
        int local = (int) (example - starts[shard]);
        System.arraycopy(data.pixels(), local * imageBytes(), pixels, pixelsAt, imageBytes());
        System.arraycopy(data.labels(), local * labelLevels, labels, labelsAt, labelLevels);
    }

    /** The primary label of every example (reads every shard once). */
    public int[] primaryLabels() {
        int[] labels = primaryLabels;
        if (labels == null) {
            labels = new int[count()];
            for (int s = 0; s < shards(); s++) {
                SplitData data = loader.load(s);
                for (int i = 0; i < data.count(); i++) {
                    labels[(int) starts[s] + i] = data.labels()[i * labelLevels];
                }
            }
            primaryLabels = labels;
        }
        return labels;
    }
}
