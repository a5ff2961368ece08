package io.metaloop.datasets.augment;

import io.metaloop.datasets.SplitMix64;

/** Pads every border with zeros, then cuts a size×size window at a uniformly drawn position. */
final class RandomCrop implements ImageOp {
    private final int channels;
    private final int size;
    private final int padding;
    private final int height;
    private final int width;

    RandomCrop(int channels, int height, int width, int size, int padding) {
        if (size > height + 2 * padding || size > width + 2 * padding) {
            throw new IllegalArgumentException("random-crop: size " + size + " is larger than the padded "
                    + (height + 2 * padding) + "×" + (width + 2 * padding) + " image");
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.size = size;
        this.padding = padding;
    }

    @Override
    public int[] outputShape() {
        return new int[] {channels, size, size};
    }

    @Override
    public Image apply(Image in, SplitMix64 random) {
        int top = random.nextInt(height + 2 * padding - size + 1);
        int left = random.nextInt(width + 2 * padding - size + 1);
        return in.crop(top - padding, left - padding, size, size);
    }
}
