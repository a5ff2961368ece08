package io.metaloop.datasets.formats;

import static io.metaloop.datasets.formats.FormatFixtures.assertSameDataset;
import static io.metaloop.datasets.formats.FormatFixtures.image;
import static io.metaloop.datasets.formats.FormatFixtures.imageFolderFiles;
import static io.metaloop.datasets.formats.FormatFixtures.patternPixels;
import static io.metaloop.datasets.formats.FormatFixtures.patternPng;
import static io.metaloop.datasets.formats.FormatFixtures.read;
import static io.metaloop.datasets.formats.FormatFixtures.writeTarGz;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {
    private static final List<String> CLASSES = List.of("cat", "dog", "eel");

    /** The fixture: train {dog 1, cat 2, cat 3}, val {eel 4, cat 5}, test {dog 6}; image n is pattern n, 3×2. */
    private static void assertFixture(InMemoryDataset data) {
        assertEquals(new DatasetLayout(3, 2, 3, data.layout().levels()), data.layout());
        assertEquals("class", data.layout().levels().get(0).name());
        assertEquals(CLASSES, data.layout().levels().get(0).classes());
        assertEquals(List.of("train", "val", "test"), List.copyOf(data.splits().keySet()));
        SplitData train = data.splits().get("train");
        SplitData val = data.splits().get("val");
        SplitData test = data.splits().get("test");
        // archive order: the fixture writes train/dog/img1 before train/cat/img2
        assertArrayEquals(new int[] {1, 0, 0}, train.labels());
        assertArrayEquals(patternPixels(3, 2, 1), image(train, 0));
        assertArrayEquals(patternPixels(3, 2, 2), image(train, 1));
        assertArrayEquals(patternPixels(3, 2, 3), image(train, 2));
        // cat has label 0 in every split
        assertArrayEquals(new int[] {2, 0}, val.labels());
        assertArrayEquals(patternPixels(3, 2, 4), image(val, 0));
        assertArrayEquals(patternPixels(3, 2, 5), image(val, 1));
        assertArrayEquals(new int[] {1}, test.labels());
        assertArrayEquals(patternPixels(3, 2, 6), image(test, 0));
    }

    @Test
    void splitFoldersOfClassFoldersInAZipWithAWrapperFolder(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("data.zip");
        writeZip(zip, imageFolderFiles("data/"));
        assertFixture(read(new ImageFolderReader(), zip, ReadOptions.DEFAULTS));
        assertEquals("image-folder", new ImageFolderReader().format());
    }

    @Test
    void aFolderAndATarGzWithoutWrapper(@TempDir Path dir) throws Exception {
        Path tree = dir.resolve("tree");
        writeTree(tree, imageFolderFiles(""));
        InMemoryDataset fromTree = read(new ImageFolderReader(), tree, ReadOptions.DEFAULTS);
        // a folder is read in sorted path order: train/cat before train/dog
        assertArrayEquals(new int[] {0, 0, 1}, fromTree.splits().get("train").labels());
        assertArrayEquals(patternPixels(3, 2, 1), image(fromTree.splits().get("train"), 2));
        Path tgz = dir.resolve("data.tar.gz");
        writeTarGz(tgz, imageFolderFiles(""));
        assertFixture(read(new ImageFolderReader(), tgz, ReadOptions.DEFAULTS));
    }

    @Test
    void slimageNet64IsTheSameReaderUnderItsOwnName(@TempDir Path dir) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String split : List.of("train", "test")) {
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 2; i++) {
                    files.put("SlimageNet64/" + split + "/n0" + c + "/" + i + ".png", patternPng(64, 64, c * 10 + i));
                }
            }
        }
        Path tgz = dir.resolve("SlimageNet64.tar.gz");
        writeTarGz(tgz, files);
        SlimageNet64Reader reader = new SlimageNet64Reader();
        assertEquals("slimagenet64", reader.format());
        InMemoryDataset data = read(reader, tgz, ReadOptions.DEFAULTS);
        assertEquals(new DatasetLayout(3, 64, 64, data.layout().levels()), data.layout());
        assertEquals(List.of("n00", "n01", "n02"), data.layout().levels().get(0).classes());
        assertEquals(List.of("train", "test"), List.copyOf(data.splits().keySet()));
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, data.splits().get("test").labels());
        assertArrayEquals(patternPixels(64, 64, 21), image(data.splits().get("test"), 5));
        Path zip = dir.resolve("SlimageNet64.zip");
        writeZip(zip, files);
        assertSameDataset(data, read(new ImageFolderReader(), zip, ReadOptions.DEFAULTS), "zip, image-folder");
    }

    @Test
    void classFoldersDirectlyUnderTheRootAreOneSplitAll(@TempDir Path dir) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("pets/dog/a.png", patternPng(2, 2, 1));
        files.put("pets/cat/b.png", patternPng(2, 2, 2));
        files.put("pets/cat/notes.txt", "ignored".getBytes());
        files.put("__MACOSX/pets/cat/._b.png", "resource fork".getBytes());
        Path zip = dir.resolve("pets.zip");
        writeZip(zip, files);
        InMemoryDataset data = read(new ImageFolderReader(), zip, ReadOptions.DEFAULTS);
        assertEquals(List.of("all"), List.copyOf(data.splits().keySet()));
        assertEquals(List.of("cat", "dog"), data.layout().levels().get(0).classes());
        assertArrayEquals(new int[] {1, 0}, data.splits().get("all").labels());
        // a single top folder named like a split stays a split
        Map<String, byte[]> trainOnly = Map.of("train/dog/a.png", patternPng(2, 2, 1));
        Path tree = dir.resolve("tree");
        writeTree(tree, trainOnly);
        assertEquals(List.of("train"), List.copyOf(read(new ImageFolderReader(), tree, ReadOptions.DEFAULTS).splits().keySet()));
    }

    @Test
    void differentSizesNeedAnImageSizeWhichResizesEveryImage(@TempDir Path dir) throws Exception {
        Map<String, byte[]> files = imageFolderFiles("");
        files.put("val/eel/big.png", patternPng(5, 4, 9));
        Path zip = dir.resolve("sizes.zip");
        writeZip(zip, files);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> read(new ImageFolderReader(), zip, ReadOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("5×4") && e.getMessage().contains("3×2"), e.getMessage());
        InMemoryDataset data = read(new ImageFolderReader(), zip, ReadOptions.DEFAULTS.withImageSize(4));
        assertEquals(new DatasetLayout(3, 4, 4, data.layout().levels()), data.layout());
        ImageDecoding.Pixels small = new ImageDecoding.Pixels(3, 2, 3, patternPixels(3, 2, 1));
        assertArrayEquals(ImageDecoding.resize(small, 4).pixels(), image(data.splits().get("train"), 0));
        ImageDecoding.Pixels big = new ImageDecoding.Pixels(3, 4, 5, patternPixels(5, 4, 9));
        // archive order: val/eel/img4, val/cat/img5, then the added val/eel/big.png
        assertArrayEquals(ImageDecoding.resize(big, 4).pixels(), image(data.splits().get("val"), 2));
    }

    @Test
    void layoutErrors(@TempDir Path dir) throws Exception {
        Map<String, byte[]> mixed = imageFolderFiles("");
        mixed.put("loose/x.png", patternPng(3, 2, 1));
        Path zip = dir.resolve("mixed.zip");
        writeZip(zip, mixed);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> read(new ImageFolderReader(), zip, ReadOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("mixes layouts"), e.getMessage());

        Map<String, byte[]> none = Map.of("readme.txt", "no images".getBytes());
        Path empty = dir.resolve("empty.zip");
        writeZip(empty, none);
        e = assertThrows(DatasetFormatException.class, () -> read(new ImageFolderReader(), empty, ReadOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("no images"), e.getMessage());

        Map<String, byte[]> broken = imageFolderFiles("");
        broken.put("test/dog/broken.png", "not a png".getBytes());
        Path bad = dir.resolve("bad.zip");
        writeZip(bad, broken);
        e = assertThrows(DatasetFormatException.class,
                () -> read(new ImageFolderReader(), bad, ReadOptions.DEFAULTS.withImageSize(3)));
        assertEquals(bad + "!test/dog/broken.png", e.file());
    }
}
