package io.metaloop.contracts.frame;

import java.util.Arrays;

/**
 * A batch of images with labels as it travels over Kafka and rests in dataset shards.
 *
 * @param epoch          epoch the batch belongs to (0 for shards)
 * @param batchIndex     position of the batch in its epoch (shard number for shards)
 * @param epochBatches   how many batches the epoch has, so a consumer knows when it ends
 * @param count          images in this batch
 * @param channels       channels per image
 * @param height         rows per image
 * @param width          columns per image
 * @param labelLevels    labels per image (1 for flat labels; more for label hierarchies)
 * @param pixels         uint8 pixels, image-major then channel, row, column: length count·C·H·W
 * @param labels         label of image i at level l is {@code labels[i * labelLevels + l]}
 */
public record BatchFrame(int epoch, long batchIndex, long epochBatches, int count, int channels, int height, int width,
                         int labelLevels, byte[] pixels, int[] labels) {
    public BatchFrame {
        if (count < 0 || channels < 1 || height < 1 || width < 1 || labelLevels < 0) {
            throw new IllegalArgumentException("bad batch shape: count=" + count + " channels=" + channels
                    + " height=" + height + " width=" + width + " labelLevels=" + labelLevels);
        }
        if (channels > 0xFFFF || height > 0xFFFF || width > 0xFFFF || labelLevels > 0xFFFF) {
            throw new IllegalArgumentException("channels, height, width and labelLevels must fit in 16 bits");
        }
        long imageBytes = (long) channels * height * width;
        if (pixels.length / imageBytes != count || pixels.length % imageBytes != 0) {
            // not count·C·H·W, which can wrap past 2^63 for a corrupt shape
            throw new IllegalArgumentException("pixels has " + pixels.length + " bytes, shape needs " + count + "×" + imageBytes);
        }
        if (labels.length != (long) count * labelLevels) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries, shape needs " + (long) count * labelLevels);
        }
    }

    public int imageBytes() {
        return channels * height * width;
    }

    /** Label of image {@code i} at level {@code level} (0 = the primary label). */
    public int label(int i, int level) {
        return labels[i * labelLevels + level];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchFrame f && epoch == f.epoch && batchIndex == f.batchIndex
                && epochBatches == f.epochBatches && count == f.count && channels == f.channels
                && height == f.height && width == f.width && labelLevels == f.labelLevels
                && Arrays.equals(pixels, f.pixels) && Arrays.equals(labels, f.labels);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(batchIndex) + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "BatchFrame[epoch=" + epoch + ", batch=" + batchIndex + "/" + epochBatches + ", " + count + "×"
                + channels + "×" + height + "×" + width + ", labelLevels=" + labelLevels + "]";
    }
}
