package io.metaloop.datasets.augment;

import io.metaloop.datasets.SplitMix64;

/** Cuts the centred size×size window. */
final class CenterCrop implements ImageOp {
    private final int channels;
    private final int top;
    private final int left;
    private final int size;

    CenterCrop(int channels, int height, int width, int size) {
        if (size > height || size > width) {
            throw new IllegalArgumentException("center-crop: size " + size + " is larger than the " + height + "×" + width + " image");
        }
        this.channels = channels;
        this.size = size;
        this.top = (int) Math.round((height - size) / 2.0);
        this.left = (int) Math.round((width - size) / 2.0);
    }

    @Override
    public int[] outputShape() {
        return new int[] {channels, size, size};
    }

    @Override
    public Image apply(Image in, SplitMix64 random) {
        return in.crop(top, left, size, size);
    }
}
