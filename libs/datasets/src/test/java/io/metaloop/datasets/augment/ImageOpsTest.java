package io.metaloop.datasets.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.AugmentOps;
import io.metaloop.contracts.AugmentStep;
import io.metaloop.datasets.SplitMix64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each operation against what it must do by definition: identities, closed forms, exact pixel maps. */
class ImageOpsTest {
    private static Image random(int channels, int height, int width, long seed) {
        SplitMix64 r = new SplitMix64(seed);
        Image img = Image.blank(channels, height, width);
        for (int i = 0; i < img.pixels().length; i++) {
            img.pixels()[i] = (byte) r.nextInt(256);
        }
        return img;
    }

    private static Image fn(int channels, int height, int width, PixelFunction f) {
        Image img = Image.blank(channels, height, width);
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    img.set(c, y, x, f.value(c, y, x));
                }
            }
        }
        return img;
    }

    interface PixelFunction {
        int value(int c, int y, int x);
    }

    private static ImageOp op(String name, int c, int h, int w, Object... args) {
        return ImageOps.create(AugmentStep.of(name, args), c, h, w);
    }

    @Test
    void everyContractOpHasAnImplementationThatKeepsTheShapeItPromises() {
        for (String name : AugmentOps.OPS.keySet()) {
            ImageOp op = op(name, 3, 12, 12);
            Image in = random(3, 12, 12, 1);
            for (int i = 0; i < 20; i++) {
                Image out = op.apply(in, new SplitMix64(i));
                assertArrayEquals(op.outputShape(), new int[] {out.channels(), out.height(), out.width()}, name);
            }
        }
    }

    // ------------------------------------------------------------------ flip and crops

    @Test
    void flipMirrorsColumnsAndTwoFlipsAreTheIdentity() {
        Image in = random(3, 5, 7, 2);
        Image once = HorizontalFlip.flip(in);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 7; x++) {
                    assertEquals(in.get(c, y, 6 - x), once.get(c, y, x));
                }
            }
        }
        assertArrayEquals(in.pixels(), HorizontalFlip.flip(once).pixels());
    }

    @Test
    void flipHappensWithItsProbability() {
        ImageOp flip = op("horizontal-flip", 1, 1, 2, "p", 0.3);
        Image in = new Image(1, 1, 2, new byte[] {1, 2});
        int flipped = 0;
        int n = 4000;
        for (int i = 0; i < n; i++) {
            if (flip.apply(in, SplitMix64.keyed(9, i)).pixels()[0] == 2) {
                flipped++;
            }
        }
        double sigma = Math.sqrt(n * 0.3 * 0.7);
        assertTrue(Math.abs(flipped - n * 0.3) < 4 * sigma, "flipped " + flipped + " of " + n);
    }

    @Test
    void randomCropIsAWindowOfTheZeroPaddedImageAndReachesEveryPosition() {
        Image in = fn(1, 4, 4, (c, y, x) -> 1 + y * 4 + x); // no zeros inside, so padding is recognisable
        ImageOp crop = op("random-crop", 1, 4, 4, "padding", 1);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            Image out = crop.apply(in, new SplitMix64(i));
            boolean matched = false;
            for (int top = -1; top <= 1 && !matched; top++) {
                for (int left = -1; left <= 1 && !matched; left++) {
                    if (java.util.Arrays.equals(out.pixels(), in.crop(top, left, 4, 4).pixels())) {
                        seen.add(top + "," + left);
                        matched = true;
                    }
                }
            }
            assertTrue(matched, "crop " + i + " is not a window of the padded image");
        }
        assertEquals(9, seen.size(), "every offset in [-1, 1]² occurs");
        assertArrayEquals(in.pixels(), op("random-crop", 1, 4, 4, "padding", 0).apply(in, new SplitMix64(3)).pixels());
    }

    @Test
    void cropsLargerThanTheImageAreRefusedWhenThePipelineIsBuilt() {
        assertThrows(IllegalArgumentException.class, () -> op("random-crop", 1, 4, 4, "size", 7, "padding", 1));
        assertThrows(IllegalArgumentException.class, () -> op("center-crop", 1, 4, 4, "size", 5));
    }

    @Test
    void centerCropCutsTheMiddle() {
        Image in = fn(1, 6, 6, (c, y, x) -> y * 6 + x);
        Image out = op("center-crop", 1, 6, 6, "size", 2).apply(in, new SplitMix64(0));
        assertArrayEquals(new byte[] {14, 15, 20, 21}, out.pixels());
    }

    // ------------------------------------------------------------------ resampling

    @Test
    void resizingKeepsAConstantImageConstant() {
        Image in = fn(2, 9, 13, (c, y, x) -> 37 + c);
        for (int[] size : new int[][] {{4, 4}, {9, 13}, {20, 31}, {1, 1}}) {
            Image out = Resampling.resize(in, size[0], size[1]);
            for (int i = 0; i < out.pixels().length; i++) {
                assertEquals(37 + i / (size[0] * size[1]), out.pixels()[i] & 0xFF);
            }
        }
    }

    @Test
    void enlargingInterpolatesAnAffineRampExactly() {
        // v(x) = 10 + 20x at source pixel centres; output pixel i sits at source coordinate (i + 0.5)/2 − 0.5.
        Image in = fn(1, 1, 8, (c, y, x) -> 10 + 20 * x);
        Image out = Resampling.resize(in, 1, 16);
        for (int i = 1; i < 15; i++) {
            double expected = 10 + 20 * ((i + 0.5) / 2 - 0.5);
            assertEquals(expected, out.get(0, 0, i), 0.5, "pixel " + i);
        }
    }

    @Test
    void shrinkingAveragesAwayDetailFinerThanTheNewGrid() {
        // Alternating 0/200 columns halved: the widened triangle gives weights 1/8, 3/8, 3/8, 1/8 over
        // two bright and two dark columns, so every interior pixel is exactly 100. Plain bilinear
        // sampling without antialiasing would give 0 or 200.
        Image in = fn(1, 4, 16, (c, y, x) -> x % 2 == 0 ? 0 : 200);
        Image out = Resampling.resize(in, 2, 8);
        for (int x = 1; x < 7; x++) {
            assertEquals(100, out.get(0, 0, x), "column " + x);
        }
        // and an affine ramp stays affine: v(x) = 3x at centres, output i at source (i + 0.5)·2 − 0.5
        Image ramp = fn(1, 1, 16, (c, y, x) -> 3 * x);
        Image half = Resampling.resize(ramp, 1, 8);
        for (int i = 1; i < 7; i++) {
            assertEquals(3 * ((i + 0.5) * 2 - 0.5), half.get(0, 0, i), 0.5, "pixel " + i);
        }
    }

    @Test
    void resizeScalesTheShorterEdgeAndKeepsTheAspectRatio() {
        assertArrayEquals(new int[] {3, 10, 20}, op("resize", 3, 16, 32, "size", 10).outputShape());
        assertArrayEquals(new int[] {3, 30, 10}, op("resize", 3, 48, 16, "size", 10).outputShape());
    }

    // ------------------------------------------------------------------ random-resized-crop

    @Test
    void randomResizedCropWindowsHaveTheAskedAreaAndRatio() {
        RandomResizedCrop rrc = new RandomResizedCrop(3, 64, 64, 32, 0.2, 0.6, 0.5, 2.0);
        for (int i = 0; i < 1000; i++) {
            int[] w = rrc.window(new SplitMix64(i));
            assertTrue(w[0] >= 0 && w[1] >= 0 && w[0] + w[2] <= 64 && w[1] + w[3] <= 64, "window inside the image");
            double area = (double) w[2] * w[3] / (64 * 64);
            // width and height are rounded to whole pixels: allow half a pixel on each
            double slack = (w[2] + w[3] + 1) * 0.5 / (64 * 64);
            assertTrue(area >= 0.2 - slack && area <= 0.6 + slack, "area " + area);
            double ratio = (double) w[3] / w[2];
            assertTrue(ratio >= 0.5 * (1 - 1.0 / w[2]) - 0.02 && ratio <= 2.0 * (1 + 1.0 / w[3]) + 0.02, "ratio " + ratio);
        }
    }

    @Test
    void randomResizedCropOfTheWholeImageAtItsOwnSizeIsTheIdentity() {
        Image in = random(3, 10, 10, 4);
        ImageOp whole = op("random-resized-crop", 3, 10, 10, "scaleMin", 1, "scaleMax", 1, "ratioMin", 1, "ratioMax", 1);
        assertArrayEquals(in.pixels(), whole.apply(in, new SplitMix64(5)).pixels());
    }

    @Test
    void randomResizedCropFallsBackToTheCentredWindowWhenNoDrawFits() {
        // ratio 2 at full area needs a window wider than the image: all ten draws fail
        RandomResizedCrop rrc = new RandomResizedCrop(1, 10, 10, 10, 1, 1, 2, 2);
        assertArrayEquals(new int[] {2, 0, 5, 10}, rrc.window(new SplitMix64(1)));
    }

    // ------------------------------------------------------------------ colour

    @Test
    void lumaIsItu601() {
        assertEquals(76, Grayscale.luma(255, 0, 0));
        assertEquals(150, Grayscale.luma(0, 255, 0));
        assertEquals(29, Grayscale.luma(0, 0, 255));
        assertEquals(255, Grayscale.luma(255, 255, 255));
        SplitMix64 r = new SplitMix64(7);
        for (int i = 0; i < 1000; i++) {
            int red = r.nextInt(256);
            int green = r.nextInt(256);
            int blue = r.nextInt(256);
            assertEquals(0.299 * red + 0.587 * green + 0.114 * blue, Grayscale.luma(red, green, blue), 0.51);
        }
    }

    @Test
    void grayscaleReplacesEveryChannelByTheLuma() {
        Image in = random(3, 4, 4, 8);
        Image out = op("grayscale", 3, 4, 4, "p", 1).apply(in, new SplitMix64(0));
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                int l = Grayscale.luma(in.get(0, y, x), in.get(1, y, x), in.get(2, y, x));
                for (int c = 0; c < 3; c++) {
                    assertEquals(l, out.get(c, y, x));
                }
            }
        }
    }

    @Test
    void brightnessContrastAndSaturationBlendTowardsTheirDegenerateImages() {
        Image in = random(3, 6, 6, 9);
        byte[] half = in.pixels().clone();
        ColorJitter.brightness(half, 0.5);
        for (int i = 0; i < half.length; i++) {
            assertEquals(Math.round((in.pixels()[i] & 0xFF) * 0.5 + 1e-9), half[i] & 0xFF, 0.0);
        }
        Image flat = new Image(3, 6, 6, in.pixels().clone());
        ColorJitter.contrast(flat, 0);
        double meanLuma = 0;
        for (int i = 0; i < 36; i++) {
            meanLuma += Grayscale.luma(in.pixels()[i] & 0xFF, in.pixels()[36 + i] & 0xFF, in.pixels()[72 + i] & 0xFF);
        }
        int mean = (int) (meanLuma / 36 + 0.5);
        for (byte b : flat.pixels()) {
            assertEquals(mean, b & 0xFF, "contrast 0 leaves the mean luma everywhere");
        }
        Image grey = new Image(3, 6, 6, in.pixels().clone());
        ColorJitter.saturation(grey, 0);
        assertArrayEquals(op("grayscale", 3, 6, 6, "p", 1).apply(in, new SplitMix64(0)).pixels(), grey.pixels());
        Image same = new Image(3, 6, 6, in.pixels().clone());
        ColorJitter.contrast(same, 1);
        ColorJitter.saturation(same, 1);
        ColorJitter.brightness(same.pixels(), 1);
        assertArrayEquals(in.pixels(), same.pixels(), "factor 1 is the identity");
    }

    @Test
    void hueRotatesPrimariesAndAZeroShiftIsTheIdentity() {
        Image red = new Image(3, 1, 1, new byte[] {(byte) 255, 0, 0});
        ColorJitter.hue(red, 1.0 / 3);
        assertArrayEquals(new byte[] {0, (byte) 255, 0}, red.pixels(), "a third of a turn takes red to green");
        ColorJitter.hue(red, 1.0 / 3);
        assertArrayEquals(new byte[] {0, 0, (byte) 255}, red.pixels(), "and green to blue");
        Image cyan = new Image(3, 1, 1, new byte[] {(byte) 255, 0, 0});
        ColorJitter.hue(cyan, -0.5);
        assertArrayEquals(new byte[] {0, (byte) 255, (byte) 255}, cyan.pixels(), "half a turn gives the complement");
        Image in = random(3, 16, 16, 10);
        Image same = new Image(3, 16, 16, in.pixels().clone());
        ColorJitter.hue(same, 0);
        assertArrayEquals(in.pixels(), same.pixels(), "RGB → HSV → RGB round-trips every byte");
    }

    @Test
    void jitterWithNothingToJitterIsTheIdentityAndOtherwiseChangesTheImage() {
        Image in = random(3, 8, 8, 11);
        assertArrayEquals(in.pixels(), op("color-jitter", 3, 8, 8).apply(in, new SplitMix64(1)).pixels());
        ImageOp jitter = op("color-jitter", 3, 8, 8, "brightness", 0.8, "contrast", 0.8, "saturation", 0.8, "hue", 0.2);
        assertNotEquals(java.util.Arrays.toString(in.pixels()),
                java.util.Arrays.toString(jitter.apply(in, new SplitMix64(1)).pixels()));
    }

    // ------------------------------------------------------------------ affine and cutout

    @Test
    void affineWithNeutralParametersIsTheIdentity() {
        Image in = random(3, 9, 9, 12);
        assertArrayEquals(in.pixels(), RandomAffine.transform(in, 0, 0, 0, 1, 0).pixels());
    }

    @Test
    void quarterTurnIsAnExactRotationCounterClockwise() {
        Image in = random(2, 7, 7, 13);
        Image out = RandomAffine.transform(in, 90, 0, 0, 1, 0);
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 7; y++) {
                for (int x = 0; x < 7; x++) {
                    assertEquals(in.get(c, x, 6 - y), out.get(c, y, x), "(" + y + "," + x + ")");
                }
            }
        }
    }

    @Test
    void translationShiftsWholePixelsAndFillsWithZero() {
        Image in = fn(1, 3, 5, (c, y, x) -> 10 + x);
        Image out = RandomAffine.transform(in, 0, 2, 0, 1, 0);
        assertArrayEquals(new byte[] {0, 0, 10, 11, 12}, java.util.Arrays.copyOfRange(out.pixels(), 0, 5));
    }

    @Test
    void shearMovesEachRowByTanTimesItsDistanceFromTheCentre() {
        // 45°: row y moves right by (y − centre) pixels
        Image in = fn(1, 5, 9, (c, y, x) -> 20 + 10 * x);
        Image out = RandomAffine.transform(in, 0, 0, 0, 1, 45);
        for (int y = 0; y < 5; y++) {
            for (int x = 2; x < 7; x++) {
                assertEquals(in.get(0, y, x - (y - 2)), out.get(0, y, x), "(" + y + "," + x + ")");
            }
        }
    }

    @Test
    void cutoutErasesOneSquareOfTheAskedArea() {
        Image in = fn(3, 8, 8, (c, y, x) -> 100);
        Image out = op("cutout", 3, 8, 8, "area", 0.25, "fill", 7, "p", 1).apply(in, new SplitMix64(3));
        int erased = 0;
        for (byte b : out.pixels()) {
            erased += b == 7 ? 1 : 0;
        }
        assertEquals(3 * 16, erased, "a 4×4 square in each channel");
        assertArrayEquals(in.pixels(), op("cutout", 3, 8, 8, "p", 0).apply(in, new SplitMix64(3)).pixels());
    }
}
