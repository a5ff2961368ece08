package io.metaloop.datasets.augment;

import io.metaloop.datasets.SplitMix64;

/**
 * With probability p, changes brightness, contrast, saturation and hue by random amounts, the four
 * in a random order, as torchvision's ColorJitter on PIL images: brightness blends with black,
 * contrast with the mean luma, saturation with each pixel's luma, each result rounded to uint8;
 * hue rotates the HSV hue by a fraction of a turn. Saturation and hue leave one-channel images alone.
 */
final class ColorJitter extends SameShapeOp {
    private static final int BRIGHTNESS = 0;
    private static final int CONTRAST = 1;
    private static final int SATURATION = 2;
    private static final int HUE = 3;

    private final double brightness;
    private final double contrast;
    private final double saturation;
    private final double hue;
    private final double p;

    ColorJitter(int channels, int height, int width, double brightness, double contrast, double saturation, double hue,
                double p) {
        super(channels, height, width);
        this.brightness = brightness;
        this.contrast = contrast;
        this.saturation = saturation;
        this.hue = hue;
        this.p = p;
    }

    @Override
    public Image apply(Image in, SplitMix64 random) {
        if (random.nextDouble() >= p) {
            return in;
        }
        int[] order = {BRIGHTNESS, CONTRAST, SATURATION, HUE};
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double b = random.uniform(Math.max(0, 1 - brightness), 1 + brightness);
        double c = random.uniform(Math.max(0, 1 - contrast), 1 + contrast);
        double s = random.uniform(Math.max(0, 1 - saturation), 1 + saturation);
        double h = random.uniform(-hue, hue);
        Image out = new Image(in.channels(), in.height(), in.width(), in.pixels().clone());
        for (int op : order) {
            switch (op) {
                case BRIGHTNESS -> { if (brightness > 0) brightness(out.pixels(), b); }
                case CONTRAST -> { if (contrast > 0) contrast(out, c); }
                case SATURATION -> { if (saturation > 0 && out.channels() == 3) saturation(out, s); }
                default -> { if (hue > 0 && out.channels() == 3) hue(out, h); }
            }
        }
        return out;
    }

    static void brightness(byte[] px, double factor) {
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) Image.toByte((px[i] & 0xFF) * factor);
        }
    }

    static void contrast(Image img, double factor) {
        byte[] px = img.pixels();
        int plane = img.height() * img.width();
        double sum = 0;
        for (int i = 0; i < plane; i++) {
            sum += img.channels() == 3 ? Grayscale.luma(px[i] & 0xFF, px[plane + i] & 0xFF, px[2 * plane + i] & 0xFF)
                    : px[i] & 0xFF;
        }
        int mean = (int) (sum / plane + 0.5);
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) Image.toByte(mean + factor * ((px[i] & 0xFF) - mean));
        }
    }

    static void saturation(Image img, double factor) {
        byte[] px = img.pixels();
        int plane = img.height() * img.width();
        for (int i = 0; i < plane; i++) {
            int grey = Grayscale.luma(px[i] & 0xFF, px[plane + i] & 0xFF, px[2 * plane + i] & 0xFF);
            for (int c = 0; c < 3; c++) {
                int k = c * plane + i;
                px[k] = (byte) Image.toByte(grey + factor * ((px[k] & 0xFF) - grey));
            }
        }
    }

    /** Rotates the hue by {@code shift} turns (HSV with hue in [0, 1)). */
    static void hue(Image img, double shift) {
        byte[] px = img.pixels();
        int plane = img.height() * img.width();
        for (int i = 0; i < plane; i++) {
            double r = (px[i] & 0xFF) / 255.0;
            double g = (px[plane + i] & 0xFF) / 255.0;
            double b = (px[2 * plane + i] & 0xFF) / 255.0;
            double max = Math.max(r, Math.max(g, b));
            double min = Math.min(r, Math.min(g, b));
            double delta = max - min;
            if (delta == 0) {
                continue; // grey: hue is undefined and a rotation changes nothing
            }
            double h;
            if (max == r) {
                h = ((g - b) / delta) / 6.0;
            } else if (max == g) {
                h = ((b - r) / delta + 2) / 6.0;
            } else {
                h = ((r - g) / delta + 4) / 6.0;
            }
            h = h + shift;
            h -= Math.floor(h);
            double sat = delta / max;
            double[] rgb = hsvToRgb(h, sat, max);
            px[i] = (byte) Image.toByte(rgb[0] * 255);
            px[plane + i] = (byte) Image.toByte(rgb[1] * 255);
            px[2 * plane + i] = (byte) Image.toByte(rgb[2] * 255);
        }
    }

    static double[] hsvToRgb(double h, double s, double v) {
        double sector = h * 6;
        int k = (int) Math.floor(sector) % 6;
        double f = sector - Math.floor(sector);
        double p = v * (1 - s);
        double q = v * (1 - s * f);
        double t = v * (1 - s * (1 - f));
        return switch (k) {
            case 0 -> new double[] {v, t, p};
            case 1 -> new double[] {q, v, p};
            case 2 -> new double[] {p, v, t};
            case 3 -> new double[] {p, q, v};
            case 4 -> new double[] {t, p, v};
            default -> new double[] {v, p, q};
        };
    }
}
