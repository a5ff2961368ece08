package io.metaloop.datasets;

/**
 * One split of a dataset in memory: uint8 images and integer labels.
 *
 * @param pixels image-major then channel, row, column; {@code count·channels·height·width} bytes
 * @param labels label of image i at level l is {@code labels[i * labelLevels + l]}
 */
public record SplitData(int count, int channels, int height, int width, int labelLevels, byte[] pixels, int[] labels) {
    public SplitData {
        if ((long) count * channels * height * width != pixels.length) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " bytes; " + count + " images of "
                    + channels + "×" + height + "×" + width + " need " + (long) count * channels * height * width);
        }
        if ((long) count * labelLevels != labels.length) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries; need " + (long) count * labelLevels);
        }
    }

    public int imageBytes() {
        return channels * height * width;
    }

    /** The first {@code n} images (the bundled demo subset is built this way). */
    public SplitData head(int n) {
        int keep = Math.min(n, count);
        byte[] px = java.util.Arrays.copyOf(pixels, keep * imageBytes());
        int[] lb = java.util.Arrays.copyOf(labels, keep * labelLevels);
        return new SplitData(keep, channels, height, width, labelLevels, px, lb);
    }
}
