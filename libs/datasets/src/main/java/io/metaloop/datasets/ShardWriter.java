package io.metaloop.datasets;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link ImageSink} that cuts each split into canonical shards as images arrive, so an import
 * needs memory for one shard per split, not the whole dataset. Shards go to a {@link Store} as
 * soon as they are full; {@link #finish} returns the manifest, which the caller stores last. It also
 * counts each split's images per primary-level class, for the manifest's class statistics.
 */
public final class ShardWriter implements ImageSink {
    /** Where finished shards go (the object store in dataset-service). */
    @FunctionalInterface
    public interface Store {
        void put(String key, byte[] bytes);
    }

    private final String dataset;
    private final String importId;
    private final int shardSize;
    private final Store store;
    private final Map<String, SplitBuffer> splits = new LinkedHashMap<>();
    private final List<String> written = new ArrayList<>();
    private DatasetLayout layout;

    public ShardWriter(String dataset, String importId, int shardSize, Store store) {
        if (shardSize < 1) {
            throw new IllegalArgumentException("shard size must be at least 1, got " + shardSize);
        }
        this.dataset = dataset;
        this.importId = importId;
        this.shardSize = shardSize;
        this.store = store;
    }

    @Override
    public void layout(DatasetLayout layout) {
        if (this.layout != null) {
            throw new IllegalStateException("layout given twice");
        }
        this.layout = layout;
    }

    @Override
    public void image(String split, byte[] pixels, int[] labels) {
        if (layout == null) {
            throw new IllegalStateException("image before layout");
        }
        if (pixels.length != layout.imageBytes() || labels.length != layout.levels().size()) {
            throw new IllegalArgumentException("image of " + pixels.length + " bytes with " + labels.length
                    + " labels does not fit " + layout);
        }
        for (int level = 0; level < labels.length; level++) {
            int classes = layout.levels().get(level).classes().size();
            if (labels[level] < -1 || labels[level] >= classes) {
                throw new IllegalArgumentException("label " + labels[level] + " outside level '"
                        + layout.levels().get(level).name() + "' (" + classes + " classes)");
            }
        }
        SplitBuffer buffer = splits.computeIfAbsent(split, s -> new SplitBuffer(layout.levels().get(0).classes().size()));
        buffer.add(pixels, labels);
        if (buffer.pending == shardSize) {
            flush(split, buffer);
        }
    }

    /** Keys of the shards stored so far (to remove them if the import fails). */
    public List<String> writtenKeys() {
        return List.copyOf(written);
    }

    /**
     * Stores each split's last, partly filled shard and returns the manifest: per split its size,
     * shards and class statistics (distinct primary-level classes with an image, images of the
     * smallest of them; unlabelled images count toward neither).
     *
     * @param source     what the dataset was imported from, for people
     * @param importedAt when the import happened
     * @throws IllegalStateException if no layout was given
     */
    public DatasetManifest finish(String source, Instant importedAt) {
        if (layout == null) {
            throw new IllegalStateException("the reader produced no layout");
        }
        Map<String, DatasetManifest.SplitManifest> manifests = new LinkedHashMap<>();
        for (Map.Entry<String, SplitBuffer> e : splits.entrySet()) {
            if (e.getValue().pending > 0) {
                flush(e.getKey(), e.getValue());
            }
            SplitBuffer buffer = e.getValue();
            manifests.put(e.getKey(), new DatasetManifest.SplitManifest(buffer.examples, buffer.shards,
                    buffer.classes(), buffer.smallestClass()));
        }
        return new DatasetManifest(DatasetManifest.FORMAT_VERSION, dataset, importId, layout.channels(), layout.height(),
                layout.width(), layout.levels(), manifests, source, importedAt);
    }

    private void flush(String split, SplitBuffer buffer) {
        SplitData data = new SplitData(buffer.pending, layout.channels(), layout.height(), layout.width(),
                layout.levels().size(), buffer.pixels.toByteArray(), buffer.labelArray());
        int index = buffer.shards.size();
        Shards.EncodedShard shard = Shards.encodeShard(dataset + "/" + importId, split, index, data);
        store.put(shard.info().key(), shard.bytes());
        written.add(shard.info().key());
        buffer.shards.add(shard.info());
        buffer.reset();
    }

    private static final class SplitBuffer {
        final java.io.ByteArrayOutputStream pixels = new java.io.ByteArrayOutputStream();
        int[] labels = new int[64];
        int labelCount;
        int pending;
        long examples;
        final List<DatasetManifest.ShardInfo> shards = new ArrayList<>();
        /** Images per primary-level class, over the whole split (not reset by a flush). */
        final long[] perClass;

        SplitBuffer(int primaryClasses) {
            perClass = new long[primaryClasses];
        }

        void add(byte[] imagePixels, int[] imageLabels) {
            if (imageLabels[0] >= 0) {
                perClass[imageLabels[0]]++;
            }
            pixels.writeBytes(imagePixels);
            while (labelCount + imageLabels.length > labels.length) {
                labels = java.util.Arrays.copyOf(labels, labels.length * 2);
            }
            System.arraycopy(imageLabels, 0, labels, labelCount, imageLabels.length);
            labelCount += imageLabels.length;
            pending++;
            examples++;
        }

        /** Classes with at least one image. */
        int classes() {
            int n = 0;
            for (long count : perClass) {
                n += count > 0 ? 1 : 0;
            }
            return n;
        }

        /** Images of the smallest class with at least one image; 0 if there is none. */
        int smallestClass() {
            long smallest = 0;
            for (long count : perClass) {
                if (count > 0 && (smallest == 0 || count < smallest)) {
                    smallest = count;
                }
            }
            return Math.toIntExact(smallest);
        }

        int[] labelArray() {
            return java.util.Arrays.copyOf(labels, labelCount);
        }

        void reset() {
            pixels.reset();
            labelCount = 0;
            pending = 0;
        }
    }
}
