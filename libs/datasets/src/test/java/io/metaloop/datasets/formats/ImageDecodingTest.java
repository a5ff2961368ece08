package io.metaloop.datasets.formats;

import static io.metaloop.datasets.formats.FormatFixtures.binaryPng;
import static io.metaloop.datasets.formats.FormatFixtures.encode;
import static io.metaloop.datasets.formats.FormatFixtures.greyPng;
import static io.metaloop.datasets.formats.FormatFixtures.rgbImage;
import static io.metaloop.datasets.formats.FormatFixtures.rgbPng;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.metaloop.datasets.DatasetFormatException;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class ImageDecodingTest {
    private static final int[][] RGB = {
        {0xFF0000, 0x00FF00, 0x0000FF},
        {0x102030, 0xFFFFFF, 0x8040C0},
    };

    /** Expected channel-major RGB bytes of an {@code rgb[y][x] = 0xRRGGBB} array. */
    private static byte[] channelMajor(int[][] rgb) {
        int h = rgb.length;
        int w = rgb[0].length;
        byte[] out = new byte[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = (byte) (rgb[y][x] >> 16);
                out[h * w + y * w + x] = (byte) (rgb[y][x] >> 8);
                out[2 * h * w + y * w + x] = (byte) rgb[y][x];
            }
        }
        return out;
    }

    private static byte[] lumaOf(int[][] rgb) {
        int h = rgb.length;
        int w = rgb[0].length;
        byte[] out = new byte[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (rgb[y][x] >> 16) & 0xFF;
                int g = (rgb[y][x] >> 8) & 0xFF;
                int b = rgb[y][x] & 0xFF;
                out[y * w + x] = (byte) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
            }
        }
        return out;
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    // ------------------------------------------------------------------ decoding

    @Test
    void greyPngDecodesExactlyAsGreyAndReplicatedAsRgb() {
        int[][] grey = {{0, 1, 127, 128}, {200, 254, 255, 42}};
        byte[] png = greyPng(grey);
        ImageDecoding.Pixels g = ImageDecoding.decode(png, 1, "grey.png");
        assertEquals(1, g.channels());
        assertEquals(2, g.height());
        assertEquals(4, g.width());
        // raw samples, no gamma conversion (BufferedImage.getRGB would turn 128 into 188)
        assertArrayEquals(bytes(0, 1, 127, 128, 200, 254, 255, 42), g.pixels());
        ImageDecoding.Pixels rgb = ImageDecoding.decode(png, 3, "grey.png");
        byte[] plane = g.pixels();
        byte[] expected = new byte[24];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(plane, 0, expected, c * 8, 8);
        }
        assertArrayEquals(expected, rgb.pixels());
    }

    @Test
    void rgbPngDecodesExactlyAndToLuma() {
        byte[] png = rgbPng(RGB);
        ImageDecoding.Pixels rgb = ImageDecoding.decode(png, 3, "rgb.png");
        assertEquals(3, rgb.channels());
        assertArrayEquals(channelMajor(RGB), rgb.pixels());
        ImageDecoding.Pixels grey = ImageDecoding.decode(png, 1, "rgb.png");
        assertArrayEquals(lumaOf(RGB), grey.pixels());
        // by hand: pure red 0.299·255 = 76.2 → 76, green 149.7 → 150, blue 29.1 → 29
        assertArrayEquals(bytes(76, 150, 29), Arrays.copyOf(grey.pixels(), 3));
    }

    @Test
    void lumaIsBt601RoundedAndExactForGrey() {
        for (int v = 0; v < 256; v++) {
            assertEquals(v, ImageDecoding.luma(v, v, v));
        }
        assertEquals(76, ImageDecoding.luma(255, 0, 0));
        assertEquals(150, ImageDecoding.luma(0, 255, 0));
        assertEquals(29, ImageDecoding.luma(0, 0, 255));
        assertEquals(Math.round(0.299 * 16 + 0.587 * 32 + 0.114 * 48), ImageDecoding.luma(16, 32, 48));
    }

    @Test
    void oneBitPngLikeOmniglotIsBlackAndWhite() {
        boolean[][] ink = {{true, false, false}, {false, true, false}, {false, false, true}, {true, true, false}};
        ImageDecoding.Pixels p = ImageDecoding.decode(binaryPng(ink), 1, "binary.png");
        assertEquals(4, p.height());
        assertEquals(3, p.width());
        assertArrayEquals(bytes(0, 255, 255, 255, 0, 255, 255, 255, 0, 0, 0, 255), p.pixels());
        ImageDecoding.Pixels rgb = ImageDecoding.decode(binaryPng(ink), 3, "binary.png");
        assertEquals(0, rgb.pixels()[0]);
        assertEquals((byte) 255, rgb.pixels()[12 + 1]);
    }

    private static final int[] PALETTE = {0x0A141E, 0xC86432, 0x00FF00, 0xFFFF00};

    /** side×side, pixel (x, y) = palette entry (x + y·side) mod 4. */
    private static BufferedImage paletteImage(int side) {
        byte[] r = new byte[4];
        byte[] g = new byte[4];
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            r[i] = (byte) (PALETTE[i] >> 16);
            g[i] = (byte) (PALETTE[i] >> 8);
            b[i] = (byte) PALETTE[i];
        }
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 4, r, g, b));
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.getRaster().setSample(x, y, 0, (x + y * side) % 4);
            }
        }
        return image;
    }

    private static int[][] paletteRgb(int side) {
        int[][] rgb = new int[side][side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                rgb[y][x] = PALETTE[(x + y * side) % 4];
            }
        }
        return rgb;
    }

    @Test
    void palettePngAndGifAreLookedUpInTheirPalette() {
        assertArrayEquals(channelMajor(paletteRgb(2)), ImageDecoding.decode(encode(paletteImage(2), "png"), 3, "p.png").pixels());
        // 8×8: the JDK's own GIF writer and reader lose pixels of images this small as 2×2 or 4×4
        // (ImageIO.read(...).getRGB disagrees with the image written), so the GIF is larger
        BufferedImage gif = paletteImage(8);
        assertArrayEquals(channelMajor(paletteRgb(8)), ImageDecoding.decode(encode(gif, "gif"), 3, "p.gif").pixels());
        assertArrayEquals(lumaOf(paletteRgb(8)), ImageDecoding.decode(encode(gif, "gif"), 1, "p.gif").pixels());
    }

    @Test
    void bmpDecodesExactly() {
        byte[] bmp = encode(rgbImage(RGB), "bmp");
        assertEquals('B', bmp[0]);
        assertArrayEquals(channelMajor(RGB), ImageDecoding.decode(bmp, 3, "x.bmp").pixels());
    }

    @Test
    void alphaIsIgnored() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x00123456); // fully transparent
        image.setRGB(1, 0, 0x80ABCDEF); // half transparent
        ImageDecoding.Pixels p = ImageDecoding.decode(encode(image, "png"), 3, "alpha.png");
        assertArrayEquals(channelMajor(new int[][] {{0x123456, 0xABCDEF}}), p.pixels());
        // a grey + alpha PNG (colour type 4)
        java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), true, false,
                java.awt.Transparency.TRANSLUCENT, java.awt.image.DataBuffer.TYPE_BYTE);
        java.awt.image.WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
        raster.setSample(0, 0, 0, 100);
        raster.setSample(0, 0, 1, 0);
        raster.setSample(1, 0, 0, 230);
        raster.setSample(1, 0, 1, 64);
        BufferedImage ga = new BufferedImage(cm, raster, false, null);
        assertArrayEquals(bytes(100, 230), ImageDecoding.decode(encode(ga, "png"), 1, "ga.png").pixels());
        assertArrayEquals(bytes(100, 230, 100, 230, 100, 230), ImageDecoding.decode(encode(ga, "png"), 3, "ga.png").pixels());
    }

    @Test
    void sixteenBitGreyIsScaledToEightBits() {
        BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        image.getRaster().setSample(0, 0, 0, 0);
        image.getRaster().setSample(1, 0, 0, 257 * 100);
        image.getRaster().setSample(2, 0, 0, 65535);
        assertArrayEquals(bytes(0, 100, 255), ImageDecoding.decode(encode(image, "png"), 1, "g16.png").pixels());
    }

    @Test
    void rgbJpegDecodesApproximately() {
        int[][] smooth = new int[16][16];
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                smooth[y][x] = (40 + 8 * x) << 16 | (60 + 6 * y) << 8 | 120;
            }
        }
        byte[] jpeg = encode(rgbImage(smooth), "jpg");
        assertEquals((byte) 0xFF, jpeg[0]);
        assertEquals((byte) 0xD8, jpeg[1]);
        byte[] got = ImageDecoding.decode(jpeg, 3, "x.jpg").pixels();
        byte[] want = channelMajor(smooth);
        long sum = 0;
        int max = 0;
        for (int i = 0; i < want.length; i++) {
            int d = Math.abs((got[i] & 0xFF) - (want[i] & 0xFF));
            sum += d;
            max = Math.max(max, d);
        }
        assertTrue(sum / (double) want.length < 4, "mean error " + sum / (double) want.length);
        assertTrue(max < 24, "max error " + max);
        // grey JPEG
        BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                grey.getRaster().setSample(x, y, 0, 90);
            }
        }
        for (byte b : ImageDecoding.decode(encode(grey, "jpg"), 1, "g.jpg").pixels()) {
            assertTrue(Math.abs((b & 0xFF) - 90) <= 2, "grey JPEG value " + (b & 0xFF));
        }
    }

    @Test
    void sizeReadsTheHeaderOnly() {
        assertEquals(new ImageDecoding.Size(3, 2), ImageDecoding.size(rgbPng(RGB), "a.png"));
        assertEquals(new ImageDecoding.Size(16, 8), ImageDecoding.size(FormatFixtures.solidJpeg(16, 8, 0x808080), "a.jpg"));
    }

    // ------------------------------------------------------------------ damage

    @Test
    void undecodableBytesNameTheFile() {
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> ImageDecoding.decode("this is no image".getBytes(), 3, "archive.zip!a/b.png"));
        assertEquals("archive.zip!a/b.png", e.file());
        assertThrows(DatasetFormatException.class, () -> ImageDecoding.decode(new byte[0], 1, "empty.png"));
        assertThrows(DatasetFormatException.class, () -> ImageDecoding.size(new byte[] {1, 2, 3}, "x"));
        assertThrows(IllegalArgumentException.class, () -> ImageDecoding.decode(rgbPng(RGB), 2, "x.png"));
    }

    @Test
    void everyTruncationAndEveryFlippedByteOfAPngIsRejected() {
        byte[] png = rgbPng(RGB);
        byte[] expected = ImageDecoding.decode(png, 3, "ok.png").pixels();
        for (int n = 0; n < png.length; n++) {
            byte[] cut = Arrays.copyOf(png, n);
            DatasetFormatException e = assertThrows(DatasetFormatException.class,
                    () -> ImageDecoding.decode(cut, 3, "cut.png"), "truncated to " + n);
            assertEquals("cut.png", e.file());
        }
        int accepted = 0;
        for (int i = 0; i < png.length; i++) {
            byte[] bad = png.clone();
            bad[i] ^= (byte) 0xFF;
            try {
                assertArrayEquals(expected, ImageDecoding.decode(bad, 3, "bad.png").pixels(), "flip at " + i);
                accepted++;
            } catch (DatasetFormatException e) {
                assertEquals("bad.png", e.file());
            } catch (RuntimeException e) {
                fail("flip at " + i + " threw " + e, e);
            }
        }
        // the PNG chunk CRCs catch every flip after the signature (the decoder checks none itself)
        assertEquals(0, accepted);
    }

    @Test
    void everyTruncationOfAJpegIsRejectedAndFlipsNeverEscapeAsOtherExceptions() {
        int[][] px = new int[12][12];
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 12; x++) {
                px[y][x] = FormatFixtures.pattern(3, y, x);
            }
        }
        byte[] jpeg = encode(rgbImage(px), "jpg");
        for (int n = 0; n < jpeg.length; n++) {
            byte[] cut = Arrays.copyOf(jpeg, n);
            assertThrows(DatasetFormatException.class, () -> ImageDecoding.decode(cut, 3, "cut.jpg"), "truncated to " + n);
        }
        for (int i = 0; i < jpeg.length; i++) {
            for (int mask : new int[] {0xFF, 0x01, 0x80}) {
                byte[] bad = jpeg.clone();
                bad[i] ^= (byte) mask;
                try {
                    ImageDecoding.Pixels p = ImageDecoding.decode(bad, 3, "bad.jpg");
                    assertEquals(3 * p.height() * p.width(), p.pixels().length);
                } catch (DatasetFormatException e) {
                    assertEquals("bad.jpg", e.file());
                } catch (RuntimeException e) {
                    fail("flip " + mask + " at " + i + " threw " + e, e);
                }
            }
        }
    }

    private static byte[] chunk(String type, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(12 + data.length);
        b.putInt(data.length);
        b.put(type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        b.put(data);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 4, 4 + data.length);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    @Test
    void aHugeSizeInAValidPngHeaderIsRejectedBeforeDecoding() throws Exception {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        png.write(chunk("IHDR", ByteBuffer.allocate(13).putInt(100_000).putInt(100_000).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array()));
        png.write(chunk("IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}));
        png.write(chunk("IEND", new byte[0]));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> ImageDecoding.decode(png.toByteArray(), 1, "huge.png"));
        assertTrue(e.getMessage().contains("100000×100000"), e.getMessage());
    }

    // ------------------------------------------------------------------ resizing

    private static ImageDecoding.Pixels grey(int h, int w, int... values) {
        return new ImageDecoding.Pixels(1, h, w, bytes(values));
    }

    private static int[] unsigned(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xFF;
        }
        return out;
    }

    @Test
    void shrinkingTwoToOneAveragesBlocksRoundingHalfUp() {
        ImageDecoding.Pixels in = grey(4, 4,
                1, 2, 10, 20,
                3, 4, 30, 41,
                0, 0, 255, 255,
                0, 1, 255, 254);
        ImageDecoding.Pixels out = ImageDecoding.resize(in, 2);
        // (1+2+3+4)/4 = 2.5 → 3; (10+20+30+41)/4 = 25.25 → 25; (0+0+0+1)/4 = 0.25 → 0; (255·3+254)/4 = 254.75 → 255
        assertArrayEquals(new int[] {3, 25, 0, 255}, unsigned(out.pixels()));
    }

    @Test
    void shrinkingThreeToTwoWeighsPartlyCoveredPixels() {
        ImageDecoding.Pixels in = grey(3, 3,
                90, 0, 30,
                0, 60, 0,
                120, 0, 210);
        // output (0,0) covers [0,1.5)²: weights 1, 0.5, 0.5, 0.25 of 2.25
        // (90·1 + 0·0.5 + 0·0.5 + 60·0.25) / 2.25 = 105 / 2.25 = 46.67 → 47
        // output (0,1) covers x∈[1.5,3), y∈[0,1.5): (0·0.5 + 30·1 + 60·0.25 + 0·0.5) / 2.25 = 45/2.25 = 20
        // output (1,0): (0·0.5 + 60·0.25 + 120·1 + 0·0.5) / 2.25 = 135/2.25 = 60
        // output (1,1): (60·0.25 + 0·0.5 + 0·0.5 + 210·1) / 2.25 = 225/2.25 = 100
        assertArrayEquals(new int[] {47, 20, 60, 100}, unsigned(ImageDecoding.resize(in, 2).pixels()));
    }

    /** x = (i + 0.5)·src/dst − 0.5 clamped to [0, src−1], linear between the two neighbours. */
    private static double[][] bilinearWeights(int src, int dst) {
        double[][] w = new double[dst][src];
        for (int i = 0; i < dst; i++) {
            double x = Math.min(Math.max((i + 0.5) * src / dst - 0.5, 0), src - 1);
            int x0 = (int) Math.floor(x);
            int x1 = Math.min(x0 + 1, src - 1);
            double f = x - x0;
            w[i][x0] += 1 - f;
            w[i][x1] += f;
        }
        return w;
    }

    @Test
    void enlargingTwoToFourIsBilinear() {
        int[] src = {0, 100, 40, 201};
        ImageDecoding.Pixels out = ImageDecoding.resize(grey(2, 2, src), 4);
        double[][] w = bilinearWeights(2, 4);
        // the weights by hand: x = −0.25 → 0 (clamped), 0.25, 0.75, 1.25 → 1 (clamped)
        assertArrayEquals(new double[] {1, 0}, w[0]);
        assertArrayEquals(new double[] {0.75, 0.25}, w[1]);
        assertArrayEquals(new double[] {0.25, 0.75}, w[2]);
        assertArrayEquals(new double[] {0, 1}, w[3]);
        int[] expected = new int[16];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                double v = 0;
                for (int sy = 0; sy < 2; sy++) {
                    for (int sx = 0; sx < 2; sx++) {
                        v += w[y][sy] * w[x][sx] * src[sy * 2 + sx];
                    }
                }
                expected[y * 4 + x] = (int) Math.floor(v + 0.5);
            }
        }
        assertArrayEquals(expected, unsigned(out.pixels()));
        // spot checks by hand: corners are copied;
        // (1,1) = .75·.75·0 + .75·.25·100 + .25·.75·40 + .25·.25·201 = 18.75 + 7.5 + 12.5625 = 38.8125 → 39
        assertEquals(0, expected[0]);
        assertEquals(201, expected[15]);
        assertEquals(39, expected[5]);
        // (0,1) = .75·0 + .25·100 = 25; (1,0) = .75·0 + .25·40 = 10
        assertEquals(25, expected[1]);
        assertEquals(10, expected[4]);
    }

    @Test
    void enlargingByANonIntegerFactorMatchesTheFormula() {
        int[] src = {0, 255, 17, 99, 3, 250};
        ImageDecoding.Pixels out = ImageDecoding.resize(grey(2, 3, src), 5, 7);
        double[][] wy = bilinearWeights(2, 5);
        double[][] wx = bilinearWeights(3, 7);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                double v = 0;
                for (int sy = 0; sy < 2; sy++) {
                    for (int sx = 0; sx < 3; sx++) {
                        v += wy[y][sy] * wx[x][sx] * src[sy * 3 + sx];
                    }
                }
                assertEquals(v, out.pixels()[y * 7 + x] & 0xFF, 0.5 + 1e-9, "(" + y + "," + x + ")");
            }
        }
    }

    @Test
    void mixedShrinkAndEnlargeAndChannelsAreIndependent() {
        // 2 channels of 1×4 → 2×2: height enlarges (1 → 2, copies), width shrinks (4 → 2, pairs)
        ImageDecoding.Pixels in = new ImageDecoding.Pixels(2, 1, 4, bytes(10, 20, 30, 41, 200, 100, 0, 1));
        ImageDecoding.Pixels out = ImageDecoding.resize(in, 2, 2);
        assertArrayEquals(new int[] {15, 36, 15, 36, 150, 1, 150, 1}, unsigned(out.pixels()));
    }

    @Test
    void sameSizeIsTheIdentity() {
        ImageDecoding.Pixels in = grey(2, 2, 1, 2, 3, 4);
        assertSame(in, ImageDecoding.resize(in, 2));
        ImageDecoding.Pixels rect = grey(1, 2, 7, 9);
        assertArrayEquals(bytes(7, 9), ImageDecoding.resize(rect, 1, 2).pixels());
    }

    @Test
    void constantImagesStayConstantWhateverTheSize() {
        byte[] px = new byte[3 * 7 * 5];
        Arrays.fill(px, (byte) 173);
        ImageDecoding.Pixels in = new ImageDecoding.Pixels(3, 7, 5, px);
        for (int side : new int[] {1, 2, 3, 5, 6, 64, 105}) {
            for (byte b : ImageDecoding.resize(in, side).pixels()) {
                assertEquals(173, b & 0xFF);
            }
        }
    }

    // ------------------------------------------------------------------ rotation

    @Test
    void rotationIsCounterClockwise() {
        ImageDecoding.Pixels in = grey(2, 3,
                1, 2, 3,
                4, 5, 6);
        ImageDecoding.Pixels r90 = ImageDecoding.rotateCounterClockwise(in, 1);
        assertEquals(3, r90.height());
        assertEquals(2, r90.width());
        // the top-right corner (3) becomes the top-left corner
        assertArrayEquals(new int[] {3, 6, 2, 5, 1, 4}, unsigned(r90.pixels()));
        assertArrayEquals(new int[] {6, 5, 4, 3, 2, 1}, unsigned(ImageDecoding.rotateCounterClockwise(in, 2).pixels()));
        assertArrayEquals(new int[] {4, 1, 5, 2, 6, 3}, unsigned(ImageDecoding.rotateCounterClockwise(in, 3).pixels()));
        assertArrayEquals(unsigned(in.pixels()), unsigned(ImageDecoding.rotateCounterClockwise(in, 4).pixels()));
        assertArrayEquals(unsigned(ImageDecoding.rotateCounterClockwise(in, 3).pixels()),
                unsigned(ImageDecoding.rotateCounterClockwise(r90, 2).pixels()));
    }
}
