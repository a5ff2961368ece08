package io.metaloop.datasets.formats;

import static io.metaloop.datasets.formats.FormatFixtures.assertSameDataset;
import static io.metaloop.datasets.formats.FormatFixtures.binaryPng;
import static io.metaloop.datasets.formats.FormatFixtures.image;
import static io.metaloop.datasets.formats.FormatFixtures.inkPixels;
import static io.metaloop.datasets.formats.FormatFixtures.omniglotFiles;
import static io.metaloop.datasets.formats.FormatFixtures.omniglotInk;
import static io.metaloop.datasets.formats.FormatFixtures.read;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OmniglotReaderTest {
    private static final List<String> CLASSES = List.of("Alpha/character01", "Zulu_script/character01",
            "Zulu_script/character02");
    /** Image k of the fixture in output order: classes sorted, files sorted within a class. */
    private static final int[] OUTPUT_ORDER = {4, 5, 2, 3, 0, 1};

    private static Path fixtureZip(Path dir) {
        Path zip = dir.resolve("images_background.zip");
        writeZip(zip, omniglotFiles());
        return zip;
    }

    @Test
    void readsTheZipWithSortedClassesExactPixelsAndOneSplit(@TempDir Path dir) throws Exception {
        InMemoryDataset data = read(new OmniglotReader(), fixtureZip(dir), ReadOptions.DEFAULTS);
        DatasetLayout layout = data.layout();
        assertEquals(1, layout.channels());
        assertEquals(5, layout.height());
        assertEquals(5, layout.width());
        assertEquals(1, layout.levels().size());
        assertEquals("character", layout.levels().get(0).name());
        assertEquals(CLASSES, layout.levels().get(0).classes());
        assertEquals(List.of("all"), List.copyOf(data.splits().keySet()));
        SplitData all = data.splits().get("all");
        assertEquals(6, all.count());
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, all.labels());
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(inkPixels(omniglotInk(OUTPUT_ORDER[i])), image(all, i), "image " + i);
        }
        assertEquals("omniglot", new OmniglotReader().format());
    }

    @Test
    void anExtractedFolderReadsLikeTheZip(@TempDir Path dir) throws Exception {
        InMemoryDataset fromZip = read(new OmniglotReader(), fixtureZip(dir), ReadOptions.DEFAULTS);
        Path tree = dir.resolve("tree");
        writeTree(tree, omniglotFiles());
        // the folder holding images_background/, and images_background/ itself
        assertSameDataset(fromZip, read(new OmniglotReader(), tree, ReadOptions.DEFAULTS), "parent folder");
        assertSameDataset(fromZip, read(new OmniglotReader(), tree.resolve("images_background"), ReadOptions.DEFAULTS),
                "top folder");
    }

    /** out[y][x] = in[x][W−1−y]: one counter-clockwise quarter turn, written out independently. */
    private static boolean[][] turnCounterClockwise(boolean[][] in) {
        int n = in.length;
        boolean[][] out = new boolean[n][n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                out[y][x] = in[x][n - 1 - y];
            }
        }
        return out;
    }

    @Test
    void rotationsAddThreeCounterClockwiseClassesPerCharacter(@TempDir Path dir) throws Exception {
        InMemoryDataset data = read(new OmniglotReader(), fixtureZip(dir), ReadOptions.DEFAULTS.withRotations(true));
        List<String> classes = data.layout().levels().get(0).classes();
        assertEquals(12, classes.size());
        assertEquals(List.of("Alpha/character01", "Alpha/character01/rot90", "Alpha/character01/rot180",
                "Alpha/character01/rot270", "Zulu_script/character01"), classes.subList(0, 5));
        assertEquals("Zulu_script/character02/rot270", classes.get(11));
        SplitData all = data.splits().get("all");
        assertEquals(24, all.count());
        // class c, rotation r → label 4c + r; each class's 2 images, rotation after rotation
        int i = 0;
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < 4; r++) {
                for (int d = 0; d < 2; d++) {
                    assertEquals(4 * c + r, all.labels()[i]);
                    boolean[][] ink = omniglotInk(OUTPUT_ORDER[2 * c + d]);
                    for (int t = 0; t < r; t++) {
                        ink = turnCounterClockwise(ink);
                    }
                    assertArrayEquals(inkPixels(ink), image(all, i), "class " + c + " rotation " + r + " image " + d);
                    i++;
                }
            }
        }
        // the ink in the top-right corner moves to the top-left at 90°, bottom-left at 180°, bottom-right at 270°
        byte[] base = image(all, 0);
        assertEquals(0, base[4]);
        boolean[][] only = new boolean[5][5];
        only[0][4] = true;
        Path single = dir.resolve("single");
        writeTree(single, Map.of("A/character01/0001_01.png", binaryPng(only)));
        SplitData rotated = read(new OmniglotReader(), single, ReadOptions.DEFAULTS.withRotations(true)).splits().get("all");
        int[] corner = {4, 0, 20, 24}; // (0,4), (0,0), (4,0), (4,4) row-major in 5×5
        for (int r = 0; r < 4; r++) {
            byte[] px = image(rotated, r);
            for (int k = 0; k < 25; k++) {
                assertEquals(k == corner[r] ? 0 : (byte) 255, px[k], "rotation " + r + " pixel " + k);
            }
        }
    }

    @Test
    void resizesToTheAskedSide(@TempDir Path dir) throws Exception {
        InMemoryDataset data = read(new OmniglotReader(), fixtureZip(dir), ReadOptions.DEFAULTS.withImageSize(28));
        assertEquals(new DatasetLayout(1, 28, 28, data.layout().levels()), data.layout());
        SplitData all = data.splits().get("all");
        assertEquals(6, all.count());
        ImageDecoding.Pixels base = new ImageDecoding.Pixels(1, 5, 5, inkPixels(omniglotInk(OUTPUT_ORDER[0])));
        assertArrayEquals(ImageDecoding.resize(base, 28).pixels(), image(all, 0));
    }

    @Test
    void aFolderOfSeveralZipsIsTheirUnionWithSharedImagesReadOnce(@TempDir Path dir) throws Exception {
        byte[] a = binaryPng(omniglotInk(0));
        byte[] b = binaryPng(omniglotInk(1));
        byte[] c = binaryPng(omniglotInk(2));
        Map<String, byte[]> small1 = new LinkedHashMap<>();
        small1.put("images_background_small1/Greek/character01/0394_01.png", a);
        small1.put("images_background_small1/Balinese/character01/0108_01.png", b);
        Map<String, byte[]> small2 = new LinkedHashMap<>();
        small2.put("images_background_small2/Greek/character01/0394_01.png", a);
        small2.put("images_background_small2/Tagalog/character01/0900_01.png", c);
        Path folder = dir.resolve("omniglot");
        Files.createDirectories(folder);
        writeZip(folder.resolve("images_background_small1.zip"), small1);
        writeZip(folder.resolve("images_background_small2.zip"), small2);
        Files.writeString(folder.resolve("README.txt"), "not an image");
        InMemoryDataset data = read(new OmniglotReader(), folder, ReadOptions.DEFAULTS);
        assertEquals(List.of("Balinese/character01", "Greek/character01", "Tagalog/character01"),
                data.layout().levels().get(0).classes());
        SplitData all = data.splits().get("all");
        assertEquals(3, all.count());
        assertArrayEquals(inkPixels(omniglotInk(1)), image(all, 0));
        assertArrayEquals(inkPixels(omniglotInk(0)), image(all, 1));
        assertArrayEquals(inkPixels(omniglotInk(2)), image(all, 2));

        // the same alphabet/character/file with different content is an error naming both
        small2.put("images_background_small2/Greek/character01/0394_01.png", c);
        writeZip(folder.resolve("images_background_small2.zip"), small2);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> read(new OmniglotReader(), folder, ReadOptions.DEFAULTS));
        assertTrue(e.file().endsWith("images_background_small2.zip!images_background_small2/Greek/character01/0394_01.png"),
                e.file());
        assertTrue(e.getMessage().contains("images_background_small1.zip!"), e.getMessage());
    }

    @Test
    void noAlphabetsIsAnError(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("empty.zip");
        writeZip(zip, Map.of("images_background/README.txt", "nothing".getBytes(), "stray.png", binaryPng(omniglotInk(0))));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> read(new OmniglotReader(), zip, ReadOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("no alphabets"), e.getMessage());
        Path emptyDir = dir.resolve("nothing");
        Files.createDirectories(emptyDir);
        assertThrows(DatasetFormatException.class, () -> read(new OmniglotReader(), emptyDir, ReadOptions.DEFAULTS));
        assertThrows(DatasetFormatException.class,
                () -> read(new OmniglotReader(), dir.resolve("missing.zip"), ReadOptions.DEFAULTS));
    }

    @Test
    void aPngThatDoesNotDecodeIsNamed(@TempDir Path dir) throws Exception {
        Map<String, byte[]> files = omniglotFiles();
        files.put("images_background/Alpha/character01/0799_03.png", "GIF89a but not really".getBytes());
        Path zip = dir.resolve("bad.zip");
        writeZip(zip, files);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> read(new OmniglotReader(), zip, ReadOptions.DEFAULTS));
        assertEquals(zip + "!images_background/Alpha/character01/0799_03.png", e.file());
    }

    @Test
    void aCharacterFolderWithNoImagesIsAnError(@TempDir Path dir) throws Exception {
        Map<String, byte[]> files = omniglotFiles();
        files.put("images_background/Alpha/character02/", new byte[0]);
        Path zip = dir.resolve("hole.zip");
        writeZip(zip, files);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> read(new OmniglotReader(), zip, ReadOptions.DEFAULTS));
        assertEquals(zip + "!images_background/Alpha/character02/", e.file());
        assertTrue(e.getMessage().contains("no images"), e.getMessage());
        Path tree = dir.resolve("tree");
        writeTree(tree, files);
        e = assertThrows(DatasetFormatException.class, () -> read(new OmniglotReader(), tree, ReadOptions.DEFAULTS));
        assertTrue(e.file().endsWith("character02"), e.file());
        // a folder holding only a non-image file counts as empty too
        files.remove("images_background/Alpha/character02/");
        files.put("images_background/Alpha/character03/notes.txt", "x".getBytes());
        writeZip(zip, files);
        assertThrows(DatasetFormatException.class, () -> read(new OmniglotReader(), zip, ReadOptions.DEFAULTS));
    }

    @Test
    void imagesOfDifferentSizesNeedAnImageSize(@TempDir Path dir) throws Exception {
        Map<String, byte[]> files = omniglotFiles();
        files.put("images_background/Alpha/character01/0799_03.png", binaryPng(new boolean[7][7]));
        Path zip = dir.resolve("sizes.zip");
        writeZip(zip, files);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> read(new OmniglotReader(), zip, ReadOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("7×7"), e.getMessage());
        assertEquals(7, read(new OmniglotReader(), zip, ReadOptions.DEFAULTS.withImageSize(6)).splits().get("all").count());
    }
}
