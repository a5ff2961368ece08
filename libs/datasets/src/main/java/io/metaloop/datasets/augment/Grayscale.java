package io.metaloop.datasets.augment;

import io.metaloop.datasets.SplitMix64;

/**
 * With probability p, replaces every channel by the ITU-R 601 luma, in the fixed-point form PIL
 * uses ({@code (19595 R + 38470 G + 7471 B + 2^15) >> 16}); the image keeps its channel count.
 * A one-channel image is already grey and passes through.
 */
final class Grayscale extends SameShapeOp {
    private final double p;

    Grayscale(int channels, int height, int width, double p) {
        super(channels, height, width);
        this.p = p;
    }

    @Override
    public Image apply(Image in, SplitMix64 random) {
        if (random.nextDouble() >= p || in.channels() != 3) {
            return in;
        }
        int plane = in.height() * in.width();
        byte[] px = in.pixels();
        byte[] out = new byte[px.length];
        for (int i = 0; i < plane; i++) {
            byte l = (byte) luma(px[i] & 0xFF, px[plane + i] & 0xFF, px[2 * plane + i] & 0xFF);
            out[i] = l;
            out[plane + i] = l;
            out[2 * plane + i] = l;
        }
        return new Image(3, in.height(), in.width(), out);
    }

    static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }
}
