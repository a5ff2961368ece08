package io.metaloop.datasets.formats;

import io.metaloop.datasets.DatasetFormatException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG, JPEG, BMP and GIF files with {@code javax.imageio} into uint8 pixels, and resizes and
 * rotates them with plain integer arithmetic so that results are identical on every JVM.
 *
 * <p>Pixels are channel-major: {@code channels·height·width} bytes, channel, then row, then column,
 * as {@link io.metaloop.datasets.ImageSink} takes them.
 *
 * <p>Colour handling: grey images (8- or 16-bit grey, 1/2/4-bit grey or palette PNGs such as
 * Omniglot's 1-bit images) are read from their raster, not through {@code getRGB}, which would apply
 * a gamma conversion to grey images; palette images are looked up in their palette; everything else
 * goes through {@code BufferedImage.getRGB} (sRGB). Alpha is ignored (the colour values are taken
 * as they are, not composited on a background). Colour to grey uses the ITU-R BT.601 luma
 * {@code round(0.299 R + 0.587 G + 0.114 B)}, computed in integers; grey to RGB replicates the value.
 *
 * <p>Every failure (bytes that are not an image, a truncated or damaged file, an image too large to
 * decode safely) is a {@link DatasetFormatException} naming the file or archive entry.
 */
public final class ImageDecoding {
    /** Largest width·height decoded (64 Mi pixels); a larger header is treated as damage. */
    public static final long MAX_PIXELS = 1L << 26;
    /** Largest side accepted. */
    public static final int MAX_SIDE = 1 << 15;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    private ImageDecoding() {
    }

    /**
     * Decoded pixels.
     *
     * @param pixels channel-major uint8, {@code channels·height·width} bytes
     */
    public record Pixels(int channels, int height, int width, byte[] pixels) {
        public Pixels {
            if (channels < 1 || height < 1 || width < 1 || (long) channels * height * width != pixels.length) {
                throw new IllegalArgumentException("bad pixel buffer: " + channels + "×" + height + "×" + width
                        + " with " + pixels.length + " bytes");
            }
        }
    }

    /** Width and height read from an image file's header, without decoding the pixels. */
    public record Size(int width, int height) {
    }

    /**
     * Decodes an image file.
     *
     * @param encoded  the file's bytes
     * @param channels 1 for grey, 3 for RGB
     * @param name     the file or archive entry, for error messages
     */
    public static Pixels decode(byte[] encoded, int channels, String name) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (grey) or 3 (RGB), got " + channels);
        }
        BufferedImage image = read(encoded, name);
        try {
            return toPixels(image, channels);
        } catch (RuntimeException e) {
            throw new DatasetFormatException(name, 0, "cannot convert the decoded image: " + describe(e));
        }
    }

    /** Reads only the header: width and height. */
    public static Size size(byte[] encoded, String name) {
        checkContainer(encoded, name);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            ImageReader reader = readerFor(in, name);
            try {
                reader.setInput(in, true, true);
                return checkedSize(reader, name);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw wrap(e, name);
        }
    }

    /**
     * Decodes any supported image (PNG, JPEG, BMP, GIF; grey, palette, RGB or RGBA; any size up to
     * {@link #MAX_PIXELS}) into exactly {@code channels×height×width} uint8 pixels, channel-major:
     * grey becomes RGB by replicating its value, colour (RGB, RGBA, palette) becomes grey by the
     * ITU-R BT.601 luma of {@link #luma}, alpha is dropped, and the image is resized to
     * {@code height×width} with {@link #resize} (area averaging down, bilinear up, integer
     * arithmetic; the aspect ratio is not kept).
     *
     * @param encoded  the file's bytes
     * @param channels 1 (grey) or 3 (RGB)
     * @param height   rows of the result, at least 1
     * @param width    columns of the result, at least 1
     * @param name     the file or archive entry, for error messages
     * @throws DatasetFormatException   naming {@code name} (and the byte offset where known) when the bytes
     *                                  are not a readable image
     * @throws IllegalArgumentException when channels is not 1 or 3, or the size is not positive
     */
    public static Pixels decodeTo(byte[] encoded, int channels, int height, int width, String name) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("bad target size " + height + "×" + width);
        }
        return resize(decode(encoded, channels, name), height, width);
    }

    /** Decodes and, when {@code side > 0}, resizes to {@code side×side} (see {@link #resize}). */
    public static Pixels decodeSquare(byte[] encoded, int channels, int side, String name) {
        Pixels p = decode(encoded, channels, name);
        return side > 0 ? resize(p, side, side) : p;
    }

    private static BufferedImage read(byte[] encoded, String name) {
        checkContainer(encoded, name);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            ImageReader reader = readerFor(in, name);
            try {
                reader.setInput(in, true, true);
                checkedSize(reader, name);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image = reader.read(0);
                for (String warning : warnings) {
                    String w = warning.toLowerCase(Locale.ROOT);
                    if (w.contains("truncated") || w.contains("premature end")) {
                        throw new DatasetFormatException(name, encoded.length, "image file truncated: " + warning);
                    }
                }
                if (image == null) {
                    throw new DatasetFormatException(name, 0, "the image decoder returned no image");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (DatasetFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw wrap(e, name);
        }
    }

    private static ImageReader readerFor(ImageInputStream in, String name) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new DatasetFormatException(name, 0, "not a PNG, JPEG, BMP or GIF image");
        }
        return readers.next();
    }

    private static Size checkedSize(ImageReader reader, String name) throws IOException {
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE || (long) width * height > MAX_PIXELS) {
            throw new DatasetFormatException(name, 0, "implausible image size " + width + "×" + height);
        }
        return new Size(width, height);
    }

    private static DatasetFormatException wrap(Exception e, String name) {
        if (e instanceof DatasetFormatException d) {
            return d;
        }
        return new DatasetFormatException(name, 0, "cannot decode image: " + describe(e));
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /**
     * PNG carries a CRC-32 per chunk, which the JDK's decoder does not check; check them, and that the
     * file ends with IEND, so that a damaged or truncated PNG is rejected rather than decoded wrongly.
     */
    private static void checkContainer(byte[] b, String name) {
        if (b.length < PNG_SIGNATURE.length) {
            if (b.length == 0) {
                throw new DatasetFormatException(name, 0, "empty file, not an image");
            }
            return;
        }
        for (int i = 0; i < PNG_SIGNATURE.length; i++) {
            if (b[i] != PNG_SIGNATURE[i]) {
                return;
            }
        }
        int pos = PNG_SIGNATURE.length;
        boolean first = true;
        while (true) {
            if (pos + 12 > b.length) {
                throw new DatasetFormatException(name, pos, "PNG truncated: no IEND chunk");
            }
            long length = readUInt(b, pos);
            if (length > b.length - pos - 12L) {
                throw new DatasetFormatException(name, pos, "PNG truncated or corrupt: chunk of " + length
                        + " bytes overruns the file");
            }
            int len = (int) length;
            String type = new String(b, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            CRC32 crc = new CRC32();
            crc.update(b, pos + 4, 4 + len);
            long stored = readUInt(b, pos + 8 + len);
            if (crc.getValue() != stored) {
                throw new DatasetFormatException(name, pos + 8L + len, "PNG chunk '" + printable(type)
                        + "' fails its CRC check (damaged file)");
            }
            if (first && !type.equals("IHDR")) {
                throw new DatasetFormatException(name, pos, "PNG does not start with an IHDR chunk");
            }
            first = false;
            pos += 12 + len;
            if (type.equals("IEND")) {
                return;
            }
        }
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return sb.toString();
    }

    private static long readUInt(byte[] b, int pos) {
        return ((b[pos] & 0xFFL) << 24) | ((b[pos + 1] & 0xFFL) << 16) | ((b[pos + 2] & 0xFFL) << 8) | (b[pos + 3] & 0xFFL);
    }

    private static Pixels toPixels(BufferedImage image, int channels) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        byte[] out = new byte[channels * plane];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm instanceof IndexColorModel icm) {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int i = row[x];
                    if (i >= icm.getMapSize()) {
                        i = icm.getMapSize() - 1;
                    }
                    put(out, plane, y * w + x, channels, icm.getRed(i), icm.getGreen(i), icm.getBlue(i));
                }
            }
        } else if (cm instanceof ComponentColorModel && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            int bits = cm.getComponentSize(0);
            long max = (1L << bits) - 1;
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int v = bits == 8 ? row[x] : (int) ((row[x] * 255L * 2 + max) / (2 * max));
                    for (int c = 0; c < channels; c++) {
                        out[c * plane + y * w + x] = (byte) v;
                    }
                }
            }
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int rgb = row[x];
                    put(out, plane, y * w + x, channels, (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
                }
            }
        }
        return new Pixels(channels, h, w, out);
    }

    private static void put(byte[] out, int plane, int at, int channels, int r, int g, int b) {
        if (channels == 1) {
            out[at] = (byte) luma(r, g, b);
        } else {
            out[at] = (byte) r;
            out[plane + at] = (byte) g;
            out[2 * plane + at] = (byte) b;
        }
    }

    /** ITU-R BT.601 luma, {@code round(0.299 R + 0.587 G + 0.114 B)}, in integers (exact for grey: R=G=B=v gives v). */
    public static int luma(int r, int g, int b) {
        return (299 * r + 587 * g + 114 * b + 500) / 1000;
    }

    /**
     * Resizes to {@code outHeight×outWidth}, each axis separately:
     * <ul>
     * <li>shrinking an axis: area averaging. Output pixel i covers the source interval
     *     {@code [i·src/dst, (i+1)·src/dst)}; each source pixel is weighted by the length of its overlap
     *     with that interval (fractional coverage at the ends, like PIL's BOX filter).</li>
     * <li>enlarging an axis: bilinear interpolation with pixel centres aligned
     *     ({@code align_corners=False} in PyTorch terms): output i samples the source at
     *     {@code x = (i + 0.5)·src/dst − 0.5}, clamped to {@code [0, src−1]}.</li>
     * <li>an axis whose size does not change is copied.</li>
     * </ul>
     * All weights are exact rationals and are accumulated in {@code long}; the single rounding (half
     * up) happens at the end, so the result is the same on every JVM and platform.
     */
    public static Pixels resize(Pixels in, int outHeight, int outWidth) {
        if (outHeight < 1 || outWidth < 1) {
            throw new IllegalArgumentException("bad target size " + outHeight + "×" + outWidth);
        }
        if (outHeight == in.height() && outWidth == in.width()) {
            return in;
        }
        Kernel kx = Kernel.of(in.width(), outWidth);
        Kernel ky = Kernel.of(in.height(), outHeight);
        int c = in.channels();
        int w = in.width();
        int h = in.height();
        byte[] src = in.pixels();
        byte[] out = new byte[c * outHeight * outWidth];
        long denominator = kx.denominator * ky.denominator;
        long[] horizontal = new long[h * outWidth];
        for (int ch = 0; ch < c; ch++) {
            int base = ch * h * w;
            for (int y = 0; y < h; y++) {
                int rowStart = base + y * w;
                for (int ox = 0; ox < outWidth; ox++) {
                    long sum = 0;
                    int start = kx.start[ox];
                    long[] weights = kx.weights[ox];
                    for (int k = 0; k < weights.length; k++) {
                        sum += weights[k] * (src[rowStart + start + k] & 0xFF);
                    }
                    horizontal[y * outWidth + ox] = sum;
                }
            }
            int outBase = ch * outHeight * outWidth;
            for (int oy = 0; oy < outHeight; oy++) {
                int start = ky.start[oy];
                long[] weights = ky.weights[oy];
                for (int ox = 0; ox < outWidth; ox++) {
                    long sum = 0;
                    for (int k = 0; k < weights.length; k++) {
                        sum += weights[k] * horizontal[(start + k) * outWidth + ox];
                    }
                    long v = (2 * sum + denominator) / (2 * denominator);
                    out[outBase + oy * outWidth + ox] = (byte) Math.min(255, v);
                }
            }
        }
        return new Pixels(c, outHeight, outWidth, out);
    }

    /** Square resize: {@code resize(in, side, side)}. */
    public static Pixels resize(Pixels in, int side) {
        return resize(in, side, side);
    }

    /**
     * Rotates counter-clockwise by {@code quarterTurns}·90° (like {@code numpy.rot90(img, k)}): for
     * one quarter turn the top-right corner becomes the top-left corner, and
     * {@code out[y][x] = in[x][W−1−y]}; the output is W×H.
     */
    public static Pixels rotateCounterClockwise(Pixels in, int quarterTurns) {
        int turns = Math.floorMod(quarterTurns, 4);
        if (turns == 0) {
            return in;
        }
        int c = in.channels();
        int h = in.height();
        int w = in.width();
        int oh = turns == 2 ? h : w;
        int ow = turns == 2 ? w : h;
        byte[] src = in.pixels();
        byte[] out = new byte[src.length];
        for (int ch = 0; ch < c; ch++) {
            int sb = ch * h * w;
            int ob = ch * oh * ow;
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    int sy;
                    int sx;
                    switch (turns) {
                        case 1 -> { sy = x; sx = w - 1 - y; }
                        case 2 -> { sy = h - 1 - y; sx = w - 1 - x; }
                        default -> { sy = h - 1 - x; sx = y; }
                    }
                    out[ob + y * ow + x] = src[sb + sy * w + sx];
                }
            }
        }
        return new Pixels(c, oh, ow, out);
    }

    /** One axis of a resize: for output i, integer weights of source pixels start[i], start[i]+1, …, over a common denominator. */
    private static final class Kernel {
        final int[] start;
        final long[][] weights;
        final long denominator;

        private Kernel(int[] start, long[][] weights, long denominator) {
            this.start = start;
            this.weights = weights;
            this.denominator = denominator;
        }

        static Kernel of(int src, int dst) {
            int[] start = new int[dst];
            long[][] weights = new long[dst][];
            if (dst == src) {
                for (int i = 0; i < dst; i++) {
                    start[i] = i;
                    weights[i] = new long[] {1};
                }
                return new Kernel(start, weights, 1);
            }
            if (dst < src) {
                // interval [i·src, (i+1)·src) in units of 1/dst; source pixel j covers [j·dst, (j+1)·dst)
                for (int i = 0; i < dst; i++) {
                    long lo = (long) i * src;
                    long hi = (long) (i + 1) * src;
                    int first = (int) (lo / dst);
                    int last = (int) ((hi - 1) / dst);
                    long[] w = new long[last - first + 1];
                    for (int j = first; j <= last; j++) {
                        w[j - first] = Math.min((long) (j + 1) * dst, hi) - Math.max((long) j * dst, lo);
                    }
                    start[i] = first;
                    weights[i] = w;
                }
                return new Kernel(start, weights, src);
            }
            // enlarging: x = (i + 0.5)·src/dst − 0.5 = ((2i+1)·src − dst) / (2·dst)
            long den = 2L * dst;
            for (int i = 0; i < dst; i++) {
                long num = (2L * i + 1) * src - dst;
                if (num <= 0) {
                    start[i] = 0;
                    weights[i] = new long[] {den};
                    continue;
                }
                int x0 = (int) (num / den);
                long r = num % den;
                if (x0 >= src - 1) {
                    start[i] = src - 1;
                    weights[i] = new long[] {den};
                } else if (r == 0) {
                    start[i] = x0;
                    weights[i] = new long[] {den};
                } else {
                    start[i] = x0;
                    weights[i] = new long[] {den - r, r};
                }
            }
            return new Kernel(start, weights, den);
        }
    }
}
