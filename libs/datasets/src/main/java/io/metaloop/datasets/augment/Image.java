package io.metaloop.datasets.augment;

/** One uint8 image, channel-major then row, column, as augmentation steps pass it along. */
public record Image(int channels, int height, int width, byte[] pixels) {
    public Image {
        if ((long) channels * height * width != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " bytes is not a " + channels + "×" + height + "×" + width + " image");
        }
    }

    public static Image blank(int channels, int height, int width) {
        return new Image(channels, height, width, new byte[channels * height * width]);
    }

    public int get(int c, int y, int x) {
        return pixels[(c * height + y) * width + x] & 0xFF;
    }

    public void set(int c, int y, int x, int value) {
        pixels[(c * height + y) * width + x] = (byte) value;
    }

    /** Rounds half up and clamps to [0, 255], as the steps store every intermediate result in uint8. */
    static int toByte(double v) {
        return v <= 0 ? 0 : v >= 255 ? 255 : (int) (v + 0.5);
    }

    /** The rectangle [top, top+h) × [left, left+w); parts outside the image are zero. */
    Image crop(int top, int left, int h, int w) {
        Image out = blank(channels, h, w);
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                int sy = top + y;
                if (sy < 0 || sy >= height) {
                    continue;
                }
                for (int x = 0; x < w; x++) {
                    int sx = left + x;
                    if (sx >= 0 && sx < width) {
                        out.pixels[(c * h + y) * w + x] = pixels[(c * height + sy) * width + sx];
                    }
                }
            }
        }
        return out;
    }
}
