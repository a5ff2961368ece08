package io.metaloop.datasets;

import static io.metaloop.datasets.IdxTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the Fashion-MNIST subset bundled in {@code data/fashion-mnist}. The expected numbers were
 * computed independently with Python ({@code gzip.open(f).read()}, {@code struct.unpack('>I', ...)},
 * {@code collections.Counter}) from the same four files.
 */
class FashionMnistTest {
    private static Map<String, SplitData> splits;

    static Path projectRoot() {
        String home = System.getProperty("metaloop.home");
        if (home != null && !home.isBlank() && Files.isRegularFile(Path.of(home, "mvnw"))) {
            return Path.of(home);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw"))) {
                return p;
            }
        }
        throw new IllegalStateException("no project root (a folder with mvnw) above " + Path.of("").toAbsolutePath());
    }

    @BeforeAll
    static void readBundledData() throws Exception {
        Path dir = projectRoot().resolve("data").resolve("fashion-mnist");
        assertTrue(Files.isDirectory(dir), "bundled data missing: " + dir);
        splits = FashionMnist.read(dir);
    }

    private static int[] classCounts(SplitData d) {
        int[] counts = new int[10];
        for (int label : d.labels()) {
            counts[label]++;
        }
        return counts;
    }

    private static long pixelSum(byte[] px, int from, int to) {
        long sum = 0;
        for (int k = from; k < to; k++) {
            sum += px[k] & 0xFF;
        }
        return sum;
    }

    @Test
    void hasTrainAndTestSplits() {
        assertEquals(Set.of("train", "test"), splits.keySet());
    }

    @Test
    void trainSplitShapeAndLabels() {
        SplitData train = splits.get("train");
        assertEquals(20_000, train.count());
        assertEquals(1, train.channels());
        assertEquals(28, train.height());
        assertEquals(28, train.width());
        assertEquals(1, train.labelLevels());
        assertEquals(20_000 * 784, train.pixels().length);
        assertEquals(20_000, train.labels().length);
        for (int label : train.labels()) {
            assertTrue(label >= 0 && label <= 9, "label " + label);
        }
    }

    @Test
    void trainClassCountsMatchIndependentCount() {
        assertArrayEquals(new int[] {1935, 2025, 1982, 2011, 1967, 2010, 2068, 2003, 1971, 2028},
                classCounts(splits.get("train")));
    }

    @Test
    void testSplitShapeAndBalancedClasses() {
        SplitData test = splits.get("test");
        assertEquals(10_000, test.count());
        assertEquals(1, test.channels());
        assertEquals(28, test.height());
        assertEquals(28, test.width());
        assertEquals(1, test.labelLevels());
        assertEquals(10_000 * 784, test.pixels().length);
        // Fashion-MNIST's test set has exactly 1,000 images of each of the 10 classes
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000},
                classCounts(test));
    }

    @Test
    void firstLabelsAreThoseOfTheOfficialFiles() {
        // the official train set starts with an ankle boot (9), as does the official test set
        SplitData train = splits.get("train");
        SplitData test = splits.get("test");
        assertEquals(9, train.labels()[0]);
        assertEquals("Ankle boot", FashionMnist.CLASSES.get(train.labels()[0]));
        assertEquals(9, test.labels()[0]);
        assertArrayEquals(new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, java.util.Arrays.copyOf(train.labels(), 10));
        assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, java.util.Arrays.copyOf(test.labels(), 10));
    }

    @Test
    void pixelSumsMatchIndependentComputation() {
        // Python: sum(b[16:16+784]) and sum(b[16:]) of the gunzipped image files
        SplitData train = splits.get("train");
        SplitData test = splits.get("test");
        assertEquals(76_247, pixelSum(train.pixels(), 0, 784));
        assertEquals(1_142_624_448L, pixelSum(train.pixels(), 0, train.pixels().length));
        assertEquals(33_456, pixelSum(test.pixels(), 0, 784));
        assertEquals(573_469_082L, pixelSum(test.pixels(), 0, test.pixels().length));
        // the first image's top-left corner is background
        assertEquals(0, pixelSum(train.pixels(), 0, 16));
    }

    @Test
    void classNames() {
        assertEquals(10, FashionMnist.CLASSES.size());
        assertEquals("T-shirt/top", FashionMnist.CLASSES.get(0));
        assertEquals("Trouser", FashionMnist.CLASSES.get(1));
        assertEquals("Bag", FashionMnist.CLASSES.get(8));
        assertEquals("Ankle boot", FashionMnist.CLASSES.get(9));
        assertEquals("fashion-mnist", FashionMnist.NAME);
    }

    // ------------------------------------------------ synthetic directories written by the test

    private static void writeSplit(Path dir, String prefix, int[] labels, boolean gz) {
        byte[] px = new byte[labels.length * 4];
        for (int k = 0; k < px.length; k++) {
            px[k] = (byte) (k * 7);
        }
        byte[] images = IdxTestFiles.imageFile(0x00000803, labels.length, 2, 2, px);
        byte[] lbls = IdxTestFiles.labelFile(0x00000801, labels.length, labels);
        String suffix = gz ? ".gz" : "";
        write(dir, prefix + "-images-idx" + 3 + "-ubyte" + suffix, gz ? IdxTestFiles.gzip(images) : images);
        write(dir, prefix + "-labels-idx1-ubyte" + suffix, gz ? IdxTestFiles.gzip(lbls) : lbls);
    }

    @Test
    void readsPlainAndGzippedFilesFromADirectory(@TempDir Path dir) throws Exception {
        writeSplit(dir, "train", new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, true);
        writeSplit(dir, "t10k", new int[] {9, 8}, false);
        Map<String, SplitData> read = FashionMnist.read(dir);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, read.get("train").labels());
        assertArrayEquals(new int[] {9, 8}, read.get("test").labels());
        assertEquals(2, read.get("test").height());
        assertEquals((byte) 7, read.get("test").pixels()[1]);
    }

    @Test
    void prefersTheGzippedFileWhenBothExist(@TempDir Path dir) throws Exception {
        writeSplit(dir, "train", new int[] {1, 1}, true);
        writeSplit(dir, "train", new int[] {2, 2, 2}, false);
        writeSplit(dir, "t10k", new int[] {3}, false);
        assertArrayEquals(new int[] {1, 1}, FashionMnist.read(dir).get("train").labels());
    }

    @Test
    void rejectsALabelOutsideTheTenClasses(@TempDir Path dir) {
        writeSplit(dir, "train", new int[] {0, 9}, false);
        writeSplit(dir, "t10k", new int[] {4, 10, 2}, false);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> FashionMnist.read(dir));
        assertTrue(e.getMessage().contains("label 10"), e.getMessage());
        // the offending label is label 1 of the test label file: byte 8 + 1
        assertEquals("t10k-labels-idx1-ubyte", e.file());
        assertEquals(9, e.byteOffset());
    }

    @Test
    void missingFileIsReported(@TempDir Path dir) throws Exception {
        writeSplit(dir, "train", new int[] {0}, false);
        writeSplit(dir, "t10k", new int[] {0}, false);
        Files.delete(dir.resolve("t10k-images-idx3-ubyte"));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> FashionMnist.read(dir));
        assertEquals(dir.toString(), e.file());
        assertEquals(0, e.byteOffset());
        assertTrue(e.getMessage().contains("no t10k-images-idx3-ubyte or t10k-images-idx3-ubyte.gz"), e.getMessage());
    }
}
