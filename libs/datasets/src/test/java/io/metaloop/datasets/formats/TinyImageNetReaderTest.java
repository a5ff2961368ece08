package io.metaloop.datasets.formats;

import static io.metaloop.datasets.formats.FormatFixtures.assertSameDataset;
import static io.metaloop.datasets.formats.FormatFixtures.image;
import static io.metaloop.datasets.formats.FormatFixtures.read;
import static io.metaloop.datasets.formats.FormatFixtures.tinyFiles;
import static io.metaloop.datasets.formats.FormatFixtures.utf8;
import static io.metaloop.datasets.formats.FormatFixtures.writeTree;
import static io.metaloop.datasets.formats.FormatFixtures.writeZip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.datasets.DatasetFormatException;
import io.metaloop.datasets.DatasetLayout;
import io.metaloop.datasets.InMemoryDataset;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.datasets.SplitData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyImageNetReaderTest {
    private static final String ROOT = "tiny-imagenet-200/";
    /** The fixture's solid colours of classes n03000003, n01000001, n02000002 (wnids.txt order). */
    private static final int[] COLOURS = {0xC81E1E, 0x1EC81E, 0x1E1EC8};

    private static Path zip(Path dir, Map<String, byte[]> files) {
        Path zip = dir.resolve("tiny-imagenet-200.zip");
        writeZip(zip, files);
        return zip;
    }

    /** Every pixel of image i within a few levels of the class colour (JPEG is lossy). */
    private static void assertColour(SplitData split, int i, int rgb) {
        byte[] px = image(split, i);
        int plane = split.height() * split.width();
        for (int c = 0; c < 3; c++) {
            int want = (rgb >> (16 - 8 * c)) & 0xFF;
            for (int k = 0; k < plane; k++) {
                int got = px[c * plane + k] & 0xFF;
                assertTrue(Math.abs(got - want) <= 4, "image " + i + " channel " + c + ": " + got + " vs " + want);
            }
        }
    }

    @Test
    void readsTrainAndValWithWnidsOrderAndFirstNames(@TempDir Path dir) throws Exception {
        InMemoryDataset data = read(new TinyImageNetReader(), zip(dir, tinyFiles(8)), ReadOptions.DEFAULTS);
        DatasetLayout layout = data.layout();
        assertEquals(3, layout.channels());
        assertEquals(64, layout.height()); // the native Tiny ImageNet size, whatever the files hold
        assertEquals(64, layout.width());
        assertEquals("class", layout.levels().get(0).name());
        assertEquals(List.of("school bus", "goldfish", "egyptian cat"), layout.levels().get(0).classes());
        assertEquals(List.of("train", "val"), List.copyOf(data.splits().keySet()));
        SplitData train = data.splits().get("train");
        assertEquals(6, train.count());
        int[] perClass = new int[3];
        for (int i = 0; i < 6; i++) {
            int label = train.labels()[i];
            perClass[label]++;
            assertColour(train, i, COLOURS[label]);
        }
        assertArrayEquals(new int[] {2, 2, 2}, perClass);
        SplitData val = data.splits().get("val");
        assertEquals(3, val.count());
        // val_0 → n01000001 (1), val_1 → n03000003 (0), val_2 → n02000002 (2)
        assertArrayEquals(new int[] {1, 0, 2}, val.labels());
        for (int i = 0; i < 3; i++) {
            assertColour(val, i, COLOURS[val.labels()[i]]);
        }
        assertEquals("tiny-imagenet", new TinyImageNetReader().format());
    }

    @Test
    void imageSizeAndExtractedFolder(@TempDir Path dir) throws Exception {
        // images are read in archive order; a folder is read in sorted path order, so the zip is written sorted
        Map<String, byte[]> files = new java.util.TreeMap<>(tinyFiles(8));
        InMemoryDataset fromZip = read(new TinyImageNetReader(), zip(dir, files), ReadOptions.DEFAULTS.withImageSize(16));
        assertEquals(16, fromZip.layout().height());
        assertColour(fromZip.splits().get("val"), 0, COLOURS[1]);
        Path tree = dir.resolve("tree");
        writeTree(tree, files);
        assertSameDataset(fromZip, read(new TinyImageNetReader(), tree, ReadOptions.DEFAULTS.withImageSize(16)), "parent");
        assertSameDataset(fromZip, read(new TinyImageNetReader(), tree.resolve("tiny-imagenet-200"),
                ReadOptions.DEFAULTS.withImageSize(16)), "root");
    }

    @Test
    void sharedFirstNamesGetTheirWnid(@TempDir Path dir) throws Exception {
        Map<String, byte[]> files = tinyFiles(4);
        files.put(ROOT + "words.txt", utf8("n01000001\tcrane, bird\nn02000002\tegyptian cat\nn03000003\tcrane\n"));
        InMemoryDataset data = read(new TinyImageNetReader(), zip(dir, files), ReadOptions.DEFAULTS.withImageSize(4));
        assertEquals(List.of("crane (n03000003)", "crane (n01000001)", "egyptian cat"),
                data.layout().levels().get(0).classes());
    }

    private static DatasetFormatException failure(Path dir, Map<String, byte[]> files) {
        Path zip = zip(dir, files);
        return assertThrows(DatasetFormatException.class,
                () -> read(new TinyImageNetReader(), zip, ReadOptions.DEFAULTS.withImageSize(4)));
    }

    @Test
    void aValAnnotationNamingAnUnknownWnidIsAnError(@TempDir Path dir) {
        Map<String, byte[]> files = tinyFiles(4);
        files.put(ROOT + "val/val_annotations.txt", utf8("val_0.JPEG\tn01000001\t0\t1\t2\t3\n"
                + "val_1.JPEG\tn09999999\t0\t0\t3\t3\nval_2.JPEG\tn02000002\t1\t1\t2\t2\n"));
        DatasetFormatException e = failure(dir, files);
        assertTrue(e.file().endsWith("!" + ROOT + "val/val_annotations.txt"), e.file());
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("n09999999"), e.getMessage());
        assertEquals("val_0.JPEG\tn01000001\t0\t1\t2\t3\n".length(), e.byteOffset());
    }

    @Test
    void missingFilesAreErrors(@TempDir Path dir) {
        Map<String, byte[]> files = tinyFiles(4);
        files.remove(ROOT + "val/images/val_2.JPEG");
        DatasetFormatException e = failure(dir, files);
        assertTrue(e.getMessage().contains("val_2.JPEG") && e.getMessage().contains("missing"), e.getMessage());

        files = tinyFiles(4);
        files.remove(ROOT + "words.txt");
        e = failure(dir, files);
        assertTrue(e.file().endsWith("words.txt"), e.file());

        files = tinyFiles(4);
        files.remove(ROOT + "train/n01000001/images/n01000001_0.JPEG");
        files.remove(ROOT + "train/n01000001/images/n01000001_1.JPEG");
        e = failure(dir, files);
        assertTrue(e.getMessage().contains("n01000001"), e.getMessage());

        files = tinyFiles(4);
        files.remove(ROOT + "wnids.txt");
        e = failure(dir, files);
        assertTrue(e.getMessage().contains("wnids.txt"), e.getMessage());

        files = tinyFiles(4);
        files.put(ROOT + "val/images/val_3.JPEG", FormatFixtures.solidJpeg(4, 4, 0));
        e = failure(dir, files);
        assertTrue(e.file().endsWith("val_3.JPEG") && e.getMessage().contains("no line"), e.getMessage());
    }

    @Test
    void otherMalformedTextIsNamedByLine(@TempDir Path dir) {
        Map<String, byte[]> files = tinyFiles(4);
        files.put(ROOT + "train/n05000005/images/n05000005_0.JPEG", FormatFixtures.solidJpeg(4, 4, 0));
        assertTrue(failure(dir, files).getMessage().contains("n05000005"));

        files = tinyFiles(4);
        files.put(ROOT + "wnids.txt", utf8("n03000003\nn01000001\nn02000002\nn01000001\n"));
        assertTrue(failure(dir, files).getMessage().contains("line 4"));

        files = tinyFiles(4);
        files.put(ROOT + "val/val_annotations.txt", utf8("val_0.JPEG\tn01000001\t0\tone\t2\t3\n"));
        assertTrue(failure(dir, files).getMessage().contains("not an integer"));

        files = tinyFiles(4);
        files.put(ROOT + "words.txt", utf8("n01000001 goldfish\n"));
        assertTrue(failure(dir, files).getMessage().contains("line 1"));
    }

    @Test
    void anUndecodableJpegIsNamedAndTheTestFolderIsSkipped(@TempDir Path dir) throws Exception {
        // the fixture's test/images/test_0.JPEG is not a JPEG: it is never read
        Map<String, byte[]> files = tinyFiles(4);
        read(new TinyImageNetReader(), zip(dir, files), ReadOptions.DEFAULTS);
        byte[] jpeg = files.get(ROOT + "train/n02000002/images/n02000002_1.JPEG");
        files.put(ROOT + "train/n02000002/images/n02000002_1.JPEG", java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
        DatasetFormatException e = failure(dir, files);
        assertTrue(e.file().endsWith("!" + ROOT + "train/n02000002/images/n02000002_1.JPEG"), e.file());
    }
}
