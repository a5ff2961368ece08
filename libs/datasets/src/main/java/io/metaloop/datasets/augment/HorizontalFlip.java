package io.metaloop.datasets.augment;

import io.metaloop.datasets.SplitMix64;

/** Mirrors the image left to right with probability p. */
final class HorizontalFlip extends SameShapeOp {
    private final double p;

    HorizontalFlip(int channels, int height, int width, double p) {
        super(channels, height, width);
        this.p = p;
    }

    @Override
    public Image apply(Image in, SplitMix64 random) {
        if (random.nextDouble() >= p) {
            return in;
        }
        return flip(in);
    }

    static Image flip(Image in) {
        Image out = Image.blank(in.channels(), in.height(), in.width());
        int w = in.width();
        for (int row = 0; row < in.channels() * in.height(); row++) {
            for (int x = 0; x < w; x++) {
                out.pixels()[row * w + x] = in.pixels()[row * w + (w - 1 - x)];
            }
        }
        return out;
    }
}
