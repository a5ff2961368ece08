package io.metaloop.datasets.formats;

import static io.metaloop.datasets.formats.FormatFixtures.assertSameDataset;
import static io.metaloop.datasets.formats.FormatFixtures.classListFiles;
import static io.metaloop.datasets.formats.FormatFixtures.image;
import static io.metaloop.datasets.formats.FormatFixtures.miniFiles;
import static io.metaloop.datasets.formats.FormatFixtures.patternPixels;
import static io.metaloop.datasets.formats.FormatFixtures.patternPng;
import static io.metaloop.datasets.formats.FormatFixtures.read;
import static io.metaloop.datasets.formats.FormatFixtures.utf8;
import static io.metaloop.datasets.formats.FormatFixtures.writeTarGz;
import static io.metaloop.datasets.formats.FormatFixtures.writeTree;
import static io.metaloop.datasets.formats.FormatFixtures.writeZip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.datasets.DatasetFormatException;
import io.metaloop.datasets.DatasetLayout;
import io.metaloop.datasets.DatasetReader;
import io.metaloop.datasets.InMemoryDataset;
import io.metaloop.datasets.ReadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClassSplitReaderTest {

    // ------------------------------------------------------------------ mini-ImageNet (CSV)

    /** The fixture: train {n02 #3, n01 #1, n01 #2}, val {n03 #4}, test {n04 #5}; image #k is pattern k, 3×3. */
    private static void assertMini(InMemoryDataset data) {
        assertEquals(new DatasetLayout(3, 3, 3, data.layout().levels()), data.layout());
        assertEquals("class", data.layout().levels().get(0).name());
        // train's classes sorted, then val's, then test's: labels are global
        assertEquals(List.of("n01000001", "n02000002", "n03000003", "n04000004"), data.layout().levels().get(0).classes());
        assertEquals(List.of("train", "val", "test"), List.copyOf(data.splits().keySet()));
        var train = data.splits().get("train");
        assertEquals(3, train.count());
        // archive order of images/: n01…01, n01…02, n02…01
        assertArrayEquals(new int[] {0, 0, 1}, train.labels());
        assertArrayEquals(patternPixels(3, 3, 1), image(train, 0));
        assertArrayEquals(patternPixels(3, 3, 2), image(train, 1));
        assertArrayEquals(patternPixels(3, 3, 3), image(train, 2));
        assertArrayEquals(new int[] {2}, data.splits().get("val").labels());
        assertArrayEquals(patternPixels(3, 3, 4), image(data.splits().get("val"), 0));
        assertArrayEquals(new int[] {3}, data.splits().get("test").labels());
        assertArrayEquals(patternPixels(3, 3, 5), image(data.splits().get("test"), 0));
    }

    @Test
    void miniImageNetFromAZipAndAFolder(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("mini-imagenet.zip");
        writeZip(zip, miniFiles("mini-imagenet/"));
        InMemoryDataset data = read(new MiniImageNetReader(), zip, ReadOptions.DEFAULTS);
        assertMini(data);
        Path tree = dir.resolve("tree");
        writeTree(tree, miniFiles(""));
        assertSameDataset(data, read(new MiniImageNetReader(), tree, ReadOptions.DEFAULTS), "folder");
        assertEquals("mini-imagenet", new MiniImageNetReader().format());
    }

    @Test
    void miniImageNetWithTheCsvsElsewhere(@TempDir Path dir) throws Exception {
        Map<String, byte[]> files = miniFiles("");
        Path csvs = dir.resolve("csvs");
        Files.createDirectories(csvs);
        for (String split : List.of("train", "val", "test")) {
            Files.write(csvs.resolve(split + ".csv"), files.remove(split + ".csv"));
        }
        Path zip = dir.resolve("images.zip");
        writeZip(zip, files);
        assertMini(read(new MiniImageNetReader(), zip, ReadOptions.DEFAULTS.withSplitFiles(csvs)));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> read(new MiniImageNetReader(), zip, ReadOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("train.csv"), e.getMessage());
    }

    private static DatasetFormatException miniFailure(Path dir, Map<String, byte[]> files) {
        Path zip = dir.resolve("mini.zip");
        writeZip(zip, files);
        return assertThrows(DatasetFormatException.class, () -> read(new MiniImageNetReader(), zip, ReadOptions.DEFAULTS));
    }

    @Test
    void miniImageNetErrorsNameTheCsvAndLine(@TempDir Path dir) {
        Map<String, byte[]> files = miniFiles("");
        files.put("val.csv", utf8("filename,label\nn0300000300000001.jpg,n03000003\nn0300000300000009.jpg,n03000003\n"));
        DatasetFormatException e = miniFailure(dir, files);
        assertTrue(e.file().endsWith("mini.zip!val.csv"), e.file());
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("n0300000300000009.jpg"), e.getMessage());
        assertEquals("filename,label\nn0300000300000001.jpg,n03000003\n".length(), e.byteOffset());

        files = miniFiles("");
        files.put("test.csv", utf8("filename,label\nn0400000400000001.jpg,n01000001\n"));
        e = miniFailure(dir, files);
        assertTrue(e.file().endsWith("test.csv"), e.file());
        assertTrue(e.getMessage().contains("class n01000001") && e.getMessage().contains("train.csv line 3"),
                e.getMessage());

        files = miniFiles("");
        files.put("val.csv", utf8("filename,label\n"));
        e = miniFailure(dir, files);
        assertTrue(e.file().endsWith("val.csv") && e.getMessage().contains("empty"), e.getMessage());

        files = miniFiles("");
        files.put("train.csv", utf8("filename,label\nn0100000100000001.jpg\n"));
        assertTrue(miniFailure(dir, files).getMessage().contains("line 2"));

        files = miniFiles("");
        files.put("train.csv", utf8("filename,label\nn0100000100000001.jpg,n01000001\nn0100000100000001.jpg,n01000001\n"));
        assertTrue(miniFailure(dir, files).getMessage().contains("already listed"));

        files = miniFiles("");
        files.remove("test.csv");
        assertTrue(miniFailure(dir, files).file().endsWith("test.csv"));

        files = miniFiles("");
        files.put("images/n0100000100000002.jpg", utf8("not an image"));
        assertTrue(miniFailure(dir, files).file().endsWith("images/n0100000100000002.jpg"));
    }

    // ------------------------------------------------------------------ class lists (tiered, CIFAR-FS, FC100)

    private static Supplier<DatasetReader> reader(String format) {
        return switch (format) {
            case "tiered-imagenet" -> TieredImageNetReader::new;
            case "cifar-fs" -> CifarFsReader::new;
            case "fc100" -> Fc100Reader::new;
            default -> throw new IllegalArgumentException(format);
        };
    }

    /** The fixture: train.txt {b_cls, a_cls}, val.txt {c_cls}, test.txt {d_cls}; a_cls {1, 2}, b_cls {3}, c 4, d 5. */
    private static void assertClassLists(InMemoryDataset data) {
        assertEquals(new DatasetLayout(3, 2, 2, data.layout().levels()), data.layout());
        assertEquals(List.of("a_cls", "b_cls", "c_cls", "d_cls"), data.layout().levels().get(0).classes());
        assertEquals(List.of("train", "val", "test"), List.copyOf(data.splits().keySet()));
        var train = data.splits().get("train");
        assertArrayEquals(new int[] {0, 0, 1}, train.labels());
        assertArrayEquals(patternPixels(2, 2, 1), image(train, 0));
        assertArrayEquals(patternPixels(2, 2, 2), image(train, 1));
        assertArrayEquals(patternPixels(2, 2, 3), image(train, 2));
        assertArrayEquals(new int[] {2}, data.splits().get("val").labels());
        assertArrayEquals(patternPixels(2, 2, 4), image(data.splits().get("val"), 0));
        assertArrayEquals(new int[] {3}, data.splits().get("test").labels());
        assertArrayEquals(patternPixels(2, 2, 5), image(data.splits().get("test"), 0));
        // the folder "unlisted" is in no split file and is not imported
        int total = data.splits().values().stream().mapToInt(s -> s.count()).sum();
        assertEquals(5, total);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiered-imagenet", "cifar-fs", "fc100"})
    void classListsFromAZipAFolderAndATarGz(String format, @TempDir Path dir) throws Exception {
        DatasetReader r = reader(format).get();
        assertEquals(format, r.format());
        Path zip = dir.resolve(format + ".zip");
        writeZip(zip, classListFiles(format + "/"));
        InMemoryDataset data = read(r, zip, ReadOptions.DEFAULTS);
        assertClassLists(data);
        Path tree = dir.resolve("tree");
        writeTree(tree, classListFiles(""));
        assertSameDataset(data, read(r, tree, ReadOptions.DEFAULTS), "folder");
        Path tgz = dir.resolve(format + ".tar.gz");
        writeTarGz(tgz, classListFiles(format + "/"));
        assertSameDataset(data, read(r, tgz, ReadOptions.DEFAULTS), "tar.gz");
    }

    @Test
    void classListsElsewhereAndResizing(@TempDir Path dir) throws Exception {
        Map<String, byte[]> files = classListFiles("cifar-fs/data/");
        Path lists = dir.resolve("splits");
        Files.createDirectories(lists);
        for (String split : List.of("train", "val", "test")) {
            Files.write(lists.resolve(split + ".txt"), files.remove("cifar-fs/data/" + split + ".txt"));
        }
        Path zip = dir.resolve("cifar-fs.zip");
        writeZip(zip, files);
        assertClassLists(read(new CifarFsReader(), zip, ReadOptions.DEFAULTS.withSplitFiles(lists)));
        InMemoryDataset big = read(new CifarFsReader(), zip, ReadOptions.DEFAULTS.withSplitFiles(lists).withImageSize(5));
        assertEquals(5, big.layout().height());
        ImageDecoding.Pixels one = new ImageDecoding.Pixels(3, 2, 2, patternPixels(2, 2, 1));
        assertArrayEquals(ImageDecoding.resize(one, 5).pixels(), image(big.splits().get("train"), 0));
    }

    private static DatasetFormatException listFailure(Path dir, Map<String, byte[]> files) {
        Path zip = dir.resolve("fc100.zip");
        writeZip(zip, files);
        return assertThrows(DatasetFormatException.class, () -> read(new Fc100Reader(), zip, ReadOptions.DEFAULTS));
    }

    @Test
    void classListErrorsNameTheFileAndLine(@TempDir Path dir) {
        Map<String, byte[]> files = classListFiles("");
        files.put("val.txt", utf8("c_cls\nno_such_class\n"));
        DatasetFormatException e = listFailure(dir, files);
        assertTrue(e.file().endsWith("fc100.zip!val.txt"), e.file());
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("no_such_class"), e.getMessage());
        assertEquals("c_cls\n".length(), e.byteOffset());

        files = classListFiles("");
        files.put("test.txt", utf8("d_cls\na_cls\n"));
        e = listFailure(dir, files);
        assertTrue(e.file().endsWith("test.txt"), e.file());
        assertTrue(e.getMessage().contains("a_cls") && e.getMessage().contains("train split"), e.getMessage());

        files = classListFiles("");
        files.put("train.txt", utf8("b_cls\na_cls\nb_cls\n"));
        assertTrue(listFailure(dir, files).getMessage().contains("line 3"));

        files = classListFiles("");
        files.put("test.txt", utf8("\n\n"));
        e = listFailure(dir, files);
        assertTrue(e.file().endsWith("test.txt") && e.getMessage().contains("empty"), e.getMessage());

        files = classListFiles("");
        files.remove("val.txt");
        assertTrue(listFailure(dir, files).file().endsWith("val.txt"));

        files = classListFiles("");
        files.put("b_cls/odd.png", patternPng(3, 3, 1));
        assertTrue(listFailure(dir, files).getMessage().contains("3×3"));
    }
}
