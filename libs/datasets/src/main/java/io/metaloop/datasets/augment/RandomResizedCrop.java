package io.metaloop.datasets.augment;

import io.metaloop.datasets.SplitMix64;

/**
 * Cuts a window of random area (a fraction in [scaleMin, scaleMax] of the image) and random
 * aspect ratio (log-uniform in [ratioMin, ratioMax]) and resizes it to size×size. As torchvision
 * does, it tries ten draws and then falls back to the largest centred window whose ratio is in range.
 */
final class RandomResizedCrop implements ImageOp {
    private static final int TRIES = 10;

    private final int channels;
    private final int height;
    private final int width;
    private final int size;
    private final double scaleMin;
    private final double scaleMax;
    private final double ratioMin;
    private final double ratioMax;

    RandomResizedCrop(int channels, int height, int width, int size, double scaleMin, double scaleMax,
                      double ratioMin, double ratioMax) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.size = size;
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.ratioMin = ratioMin;
        this.ratioMax = ratioMax;
    }

    @Override
    public int[] outputShape() {
        return new int[] {channels, size, size};
    }

    @Override
    public Image apply(Image in, SplitMix64 random) {
        int[] window = window(random);
        return Resampling.resize(in.crop(window[0], window[1], window[2], window[3]), size, size);
    }

    /** {top, left, height, width} of the window. */
    int[] window(SplitMix64 random) {
        double area = (double) height * width;
        for (int attempt = 0; attempt < TRIES; attempt++) {
            double target = area * random.uniform(scaleMin, scaleMax);
            double ratio = Math.exp(random.uniform(Math.log(ratioMin), Math.log(ratioMax)));
            int w = (int) Math.round(Math.sqrt(target * ratio));
            int h = (int) Math.round(Math.sqrt(target / ratio));
            if (w > 0 && h > 0 && w <= width && h <= height) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                return new int[] {top, left, h, w};
            }
        }
        double ratio = (double) width / height;
        int w = width;
        int h = height;
        if (ratio < ratioMin) {
            h = (int) Math.round(w / ratioMin);
        } else if (ratio > ratioMax) {
            w = (int) Math.round(h * ratioMax);
        }
        return new int[] {(height - h) / 2, (width - w) / 2, h, w};
    }
}
