package io.metaloop.datasets.augment;

/** Bilinear resampling: antialiased resizing and sampling at arbitrary points. */
final class Resampling {
    private Resampling() {
    }

    /**
     * Resizes with a separable triangle filter whose support widens with the reduction factor, so
     * shrinking averages every source pixel (antialiasing, as PIL does) and enlarging interpolates
     * between the two nearest ones. Pixel centres sit at half-integers on both grids.
     */
    static Image resize(Image in, int outHeight, int outWidth) {
        if (outHeight == in.height() && outWidth == in.width()) {
            return in;
        }
        Filter rows = new Filter(in.height(), outHeight);
        Filter cols = new Filter(in.width(), outWidth);
        Image out = Image.blank(in.channels(), outHeight, outWidth);
        double[] horizontal = new double[in.height() * outWidth];
        for (int c = 0; c < in.channels(); c++) {
            for (int y = 0; y < in.height(); y++) {
                for (int x = 0; x < outWidth; x++) {
                    double sum = 0;
                    for (int k = 0; k < cols.taps[x].length; k++) {
                        sum += cols.taps[x][k] * in.get(c, y, cols.first[x] + k);
                    }
                    horizontal[y * outWidth + x] = sum;
                }
            }
            for (int y = 0; y < outHeight; y++) {
                for (int x = 0; x < outWidth; x++) {
                    double sum = 0;
                    for (int k = 0; k < rows.taps[y].length; k++) {
                        sum += rows.taps[y][k] * horizontal[(rows.first[y] + k) * outWidth + x];
                    }
                    out.set(c, y, x, Image.toByte(sum));
                }
            }
        }
        return out;
    }

    /** Bilinear value of channel c at (y, x) in pixel-index coordinates; points off the image read 0. */
    static double sample(Image in, int c, double y, double x) {
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double fy = y - y0;
        double fx = x - x0;
        return (1 - fy) * ((1 - fx) * at(in, c, y0, x0) + fx * at(in, c, y0, x0 + 1))
                + fy * ((1 - fx) * at(in, c, y0 + 1, x0) + fx * at(in, c, y0 + 1, x0 + 1));
    }

    private static int at(Image in, int c, int y, int x) {
        return y < 0 || x < 0 || y >= in.height() || x >= in.width() ? 0 : in.get(c, y, x);
    }

    /** Per output index: the first source index and the normalised weights from there on. */
    private static final class Filter {
        final int[] first;
        final double[][] taps;

        Filter(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double widen = Math.max(scale, 1.0);
            double support = widen; // the triangle's half-width, in source pixels
            first = new int[outSize];
            taps = new double[outSize][];
            for (int i = 0; i < outSize; i++) {
                double centre = (i + 0.5) * scale;
                int from = Math.max(0, (int) Math.floor(centre - support + 0.5));
                int to = Math.min(inSize, (int) Math.floor(centre + support + 0.5));
                double[] w = new double[to - from];
                double total = 0;
                for (int j = from; j < to; j++) {
                    double d = Math.abs(j + 0.5 - centre) / widen;
                    w[j - from] = Math.max(0, 1 - d);
                    total += w[j - from];
                }
                for (int k = 0; k < w.length; k++) {
                    w[k] /= total;
                }
                first[i] = from;
                taps[i] = w;
            }
        }
    }
}
