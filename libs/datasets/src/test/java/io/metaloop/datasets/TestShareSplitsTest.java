package io.metaloop.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.datasets.formats.OmniglotReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestShareSplitsTest {
    private static final LabelLevel THREE = new LabelLevel("character", List.of("a/c1", "a/c2", "b/c1"));

    /** Positions k among 0..n-1 that the rule sends to test. */
    private static List<Integer> testPositions(double share, int n) {
        TestShareSplits s = new TestShareSplits(share, "src");
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            if (s.isTest(k)) {
                out.add(k);
            }
        }
        return out;
    }

    private static InMemoryDataset routed(double share, String... splitAndLabel) {
        InMemoryDataset out = new InMemoryDataset();
        ImageSink sink = new TestShareSplits(share, "src").route(out);
        sink.layout(new DatasetLayout(1, 1, 1, List.of(THREE)));
        for (int i = 0; i < splitAndLabel.length; i += 2) {
            sink.image(splitAndLabel[i], new byte[] {(byte) (i / 2)}, new int[] {Integer.parseInt(splitAndLabel[i + 1])});
        }
        return out;
    }

    @Test
    void twentyDrawersOfAClassAtAQuarterAndAtThreeTenths() {
        // k = 3, 7, 11, 15, 19: drawers 4, 8, 12, 16, 20
        assertEquals(List.of(3, 7, 11, 15, 19), testPositions(0.25, 20));
        // floor((k+1)·0.3) steps at k+1 = 4, 7, 10, 14, 17, 20; 0.3 is exactly 3/10 (k = 9: 10·0.3 = 3)
        assertEquals(List.of(3, 6, 9, 13, 16, 19), testPositions(0.3, 20));
        // the same through the sink, whatever split the reader gave: the images are numbered 0..19
        String[] images = new String[40];
        for (int k = 0; k < 20; k++) {
            images[2 * k] = k % 2 == 0 ? "all" : "test";
            images[2 * k + 1] = "1";
        }
        Map<String, SplitData> splits = routed(0.25, images).splits();
        assertEquals(List.of("train", "test"), List.copyOf(splits.keySet()));
        assertArrayEquals(new byte[] {3, 7, 11, 15, 19}, splits.get("test").pixels());
        assertArrayEquals(new int[] {1, 1, 1, 1, 1}, splits.get("test").labels());
        assertEquals(15, splits.get("train").count());
        assertArrayEquals(new byte[] {0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 16, 17, 18}, splits.get("train").pixels());
    }

    @Test
    void afterNImagesExactlyFloorOfNTimesTheShareAreInTest() {
        // share = p/q; expected floor(n·p/q) in integer arithmetic
        long[][] fractions = {{1, 10}, {1, 5}, {1, 4}, {3, 10}, {3, 8}, {1, 2}, {7, 10}, {9, 10}, {999, 1000}, {1, 1000}};
        for (long[] f : fractions) {
            double share = (double) f[0] / f[1];
            TestShareSplits s = new TestShareSplits(share, "src");
            long inTest = 0;
            for (int n = 1; n <= 2000; n++) {
                inTest += s.isTest(n - 1) ? 1 : 0;
                assertEquals(n * f[0] / f[1], inTest, share + " after " + n);
            }
        }
        assertEquals(List.of(), testPositions(0.01, 99));
        assertEquals(List.of(99), testPositions(0.01, 100));
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), testPositions(0.9, 10));
    }

    @Test
    void interleavedClassesAreCountedEachOnItsOwn() {
        // class 0 and class 2 alternate, class 1 comes in a block; at share 0.5 every class's
        // second, fourth, ... image is in test
        InMemoryDataset out = routed(0.5, "all", "0", "all", "2", "all", "0", "all", "2", "x", "1", "y", "1",
                "all", "0", "all", "2", "all", "0", "train", "2", "test", "1");
        Map<String, SplitData> splits = out.splits();
        // images 0..10: class 0 = 0, 2, 6, 8; class 2 = 1, 3, 7, 9; class 1 = 4, 5, 10
        assertArrayEquals(new byte[] {0, 1, 4, 6, 7, 10}, splits.get("train").pixels());
        assertArrayEquals(new int[] {0, 2, 1, 0, 2, 1}, splits.get("train").labels());
        assertArrayEquals(new byte[] {2, 3, 5, 8, 9}, splits.get("test").pixels());
        assertArrayEquals(new int[] {0, 2, 1, 0, 2}, splits.get("test").labels());
        // further label levels pass through unchanged
        InMemoryDataset two = new InMemoryDataset();
        ImageSink sink = new TestShareSplits(0.5, "src").route(two);
        sink.layout(new DatasetLayout(1, 1, 1, List.of(THREE, new LabelLevel("alphabet", List.of("a", "b")))));
        sink.image("all", new byte[] {0}, new int[] {2, 1});
        sink.image("all", new byte[] {1}, new int[] {2, 1});
        assertArrayEquals(new int[] {2, 1}, two.splits().get("train").labels());
        assertArrayEquals(new int[] {2, 1}, two.splits().get("test").labels());
    }

    @Test
    void unlabelledImagesAreRefusedNamingTheOption() {
        ImageSink sink = new TestShareSplits(0.25, "stl10_binary.tar.gz").route(new InMemoryDataset());
        sink.layout(new DatasetLayout(1, 1, 1, List.of(THREE)));
        sink.image("train", new byte[] {0}, new int[] {0});
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> sink.image("unlabeled", new byte[] {0}, new int[] {-1}));
        assertEquals("stl10_binary.tar.gz", e.file());
        assertTrue(e.getMessage().contains("testShare"), e.getMessage());
        assertTrue(e.getMessage().contains("'unlabeled'"), e.getMessage());
        assertTrue(e.getMessage().contains("unlabelled"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sink.image("train", new byte[] {0}, new int[] {3}));
        assertThrows(IllegalStateException.class,
                () -> new TestShareSplits(0.25, "s").route(new InMemoryDataset()).image("all", new byte[] {0}, new int[] {0}));
    }

    @Test
    void sharesOutsideTheOpenIntervalAndClassSplitsAreRefusedNamingTheOptions() {
        for (double bad : new double[] {0, 1, -0.25, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ReadOptions.DEFAULTS.withTestShare(bad), "share " + bad);
            assertTrue(e.getMessage().startsWith("testShare must be a fraction strictly between 0 and 1"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new TestShareSplits(bad, "s"));
        }
        assertEquals(0.25, ReadOptions.DEFAULTS.withTestShare(0.25).testShare().getAsDouble());
        assertFalse(ReadOptions.DEFAULTS.testShare().isPresent());
        // either order of the two options
        Path splits = Path.of("splits.json");
        for (IllegalArgumentException e : List.of(
                assertThrows(IllegalArgumentException.class, () -> ReadOptions.DEFAULTS.withClassSplits(splits).withTestShare(0.25)),
                assertThrows(IllegalArgumentException.class, () -> ReadOptions.DEFAULTS.withTestShare(0.25).withClassSplits(splits)))) {
            assertTrue(e.getMessage().startsWith("testShare and classSplits cannot be combined"), e.getMessage());
        }
    }

    /**
     * The bundled Omniglot (242 characters of 20 drawers, read in drawer order) at share 0.25: 15 drawers
     * of every character in train and 5 in test, 3,630 and 1,210 images; test holds drawers 4, 8, 12, 16
     * and 20, byte for byte the images the plain import has at those positions.
     */
    @Test
    void theBundledOmniglotAtAQuarterHasTheSameClassesInTrainAndTest() throws Exception {
        Path dir = FashionMnistTest.projectRoot().resolve("data").resolve("omniglot");
        assertTrue(Files.isDirectory(dir), "bundled data missing: " + dir);
        InMemoryDataset plain = new InMemoryDataset();
        DatasetFormats.read(OmniglotReader.FORMAT, dir, ReadOptions.DEFAULTS.withImageSize(28), plain);
        InMemoryDataset split = new InMemoryDataset();
        DatasetFormats.read(OmniglotReader.FORMAT, dir, ReadOptions.DEFAULTS.withImageSize(28).withTestShare(0.25), split);
        assertEquals(plain.layout(), split.layout());
        assertEquals(242, split.layout().levels().get(0).classes().size());
        Map<String, SplitData> splits = split.splits();
        assertEquals(List.of("train", "test"), List.copyOf(splits.keySet()));
        SplitData train = splits.get("train");
        SplitData test = splits.get("test");
        assertEquals(3_630, train.count());
        assertEquals(1_210, test.count());
        int[] trainPerClass = new int[242];
        int[] testPerClass = new int[242];
        Arrays.stream(train.labels()).forEach(c -> trainPerClass[c]++);
        Arrays.stream(test.labels()).forEach(c -> testPerClass[c]++);
        for (int c = 0; c < 242; c++) {
            assertEquals(15, trainPerClass[c], "train, class " + c);
            assertEquals(5, testPerClass[c], "test, class " + c);
        }
        // the plain import has the 20 drawers of class c at 20c .. 20c+19
        SplitData all = plain.splits().get("all");
        int bytes = all.imageBytes();
        int t = 0;
        int r = 0;
        for (int i = 0; i < all.count(); i++) {
            byte[] image = Arrays.copyOfRange(all.pixels(), i * bytes, (i + 1) * bytes);
            boolean inTest = i % 20 % 4 == 3;
            SplitData to = inTest ? test : train;
            int j = inTest ? t++ : r++;
            assertEquals(all.labels()[i], to.labels()[j], "image " + i);
            assertArrayEquals(image, Arrays.copyOfRange(to.pixels(), j * bytes, (j + 1) * bytes), "image " + i);
        }
    }
}
