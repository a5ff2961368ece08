package io.metaloop.datasets;

/**
 * One split of a dataset in memory: uint8 images and integer labels.
 *
 * @param pixels image-major then channel, row, column; {@code count·channels·height·width} bytes
 * @param labels label of image i at level l is {@code labels[i * labelLevels + l]}
 */
public record SplitData(int count, int channels, int height, int width, int labelLevels, byte[] pixels, int[] labels) {
    public SplitData {
        if (count < 0 || channels < 1 || height < 1 || width < 1 || labelLevels < 0) {
            throw new IllegalArgumentException("bad shape: count=" + count + " channels=" + channels + " height="
                    + height + " width=" + width + " labelLevels=" + labelLevels);
        }
        if ((long) channels * height > Integer.MAX_VALUE || (long) channels * height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("an image of " + channels + "×" + height + "×" + width + " is too large");
        }
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
