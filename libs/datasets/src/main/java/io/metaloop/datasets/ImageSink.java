package io.metaloop.datasets;

/**
 * Where a {@link DatasetReader} puts what it reads: the layout first, then images one at a time,
 * so that datasets larger than memory can be written to shards as they are read.
 */
public interface ImageSink {
    /** Called once, before the first image. */
    void layout(DatasetLayout layout);

    /**
     * One image.
     *
     * @param split  split name, e.g. "train", "test", "unlabeled", "val"
     * @param pixels uint8, channel-major then row, column: {@code channels·height·width} bytes
     * @param labels one label per level of the layout; -1 where a split has no labels (STL-10's unlabeled images)
     */
    void image(String split, byte[] pixels, int[] labels);
}
