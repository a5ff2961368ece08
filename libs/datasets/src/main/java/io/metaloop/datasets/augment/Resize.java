package io.metaloop.datasets.augment;

import io.metaloop.datasets.SplitMix64;

/** Resizes (bilinear, antialiased) so the shorter edge is {@code size}, keeping the aspect ratio. */
final class Resize implements ImageOp {
    private final int[] shape;

    Resize(int channels, int height, int width, int size) {
        int h = height <= width ? size : (int) ((long) size * height / width);
        int w = height <= width ? (int) ((long) size * width / height) : size;
        this.shape = new int[] {channels, Math.max(1, h), Math.max(1, w)};
    }

    @Override
    public int[] outputShape() {
        return shape.clone();
    }

    @Override
    public Image apply(Image in, SplitMix64 random) {
        return Resampling.resize(in, shape[1], shape[2]);
    }
}
