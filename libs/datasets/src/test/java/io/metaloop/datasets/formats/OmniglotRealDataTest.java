package io.metaloop.datasets.formats;

import static io.metaloop.datasets.formats.FormatFixtures.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.datasets.ClassSplits;
import io.metaloop.datasets.DatasetFormats;
import io.metaloop.datasets.DatasetLayout;
import io.metaloop.datasets.DatasetManifest;
import io.metaloop.datasets.Episodes;
import io.metaloop.datasets.InMemoryDataset;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.datasets.ShardWriter;
import io.metaloop.datasets.SplitData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two small Omniglot sets bundled in {@code data/omniglot} (Lake et al.'s
 * {@code images_background_small1.zip} and {@code images_background_small2.zip}). Expected counts come
 * from listing the zips independently ({@code unzip -Z1}): small1 has 5 alphabets, 136 characters,
 * 2,720 PNGs; small2 5 alphabets, 156 characters, 3,120 PNGs. Both contain the Greek (24 characters)
 * and Latin (26) alphabets, byte-identical, so together they hold 242 distinct characters, 4,840 images.
 */
class OmniglotRealDataTest {
    private static Path dir;
    private static InMemoryDataset small1;

    @BeforeAll
    static void readSmall1() throws Exception {
        dir = FormatFixtures.projectRoot().resolve("data").resolve("omniglot");
        assertTrue(Files.isDirectory(dir), "bundled data missing: " + dir);
        small1 = read(new OmniglotReader(), dir.resolve("images_background_small1.zip"), ReadOptions.DEFAULTS);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void bundledZipsAreThePublishedFiles() throws Exception {
        assertEquals("f38eb80f801274ac2b4dff5b24289016bfaba4a7d5bb50deebf27104ad6cb8a4",
                sha256(dir.resolve("images_background_small1.zip")));
        assertEquals("3ccaa407515a8778e5d0861875af38b17e418f301ad5bb3b5a6b65d901a41c7f",
                sha256(dir.resolve("images_background_small2.zip")));
        assertTrue(Files.readString(dir.resolve("LICENSE")).contains("Brenden Lake"));
    }

    private static void assertSortedUniqueCharacters(List<String> classes) {
        assertEquals(classes.size(), new HashSet<>(classes).size(), "class names are unique");
        for (int i = 1; i < classes.size(); i++) {
            String[] a = classes.get(i - 1).split("/");
            String[] b = classes.get(i).split("/");
            int byAlphabet = a[0].compareTo(b[0]);
            assertTrue(byAlphabet < 0 || (byAlphabet == 0 && a[1].compareTo(b[1]) < 0),
                    classes.get(i - 1) + " before " + classes.get(i));
        }
    }

    private static Map<String, Integer> charactersPerAlphabet(List<String> classes) {
        Map<String, Integer> out = new TreeMap<>();
        for (String c : classes) {
            out.merge(c.split("/")[0], 1, Integer::sum);
        }
        return out;
    }

    private static int[] imagesPerClass(SplitData split, int classes) {
        int[] counts = new int[classes];
        for (int label : split.labels()) {
            counts[label]++;
        }
        return counts;
    }

    @Test
    void small1Has136CharactersOf20Drawers() {
        DatasetLayout layout = small1.layout();
        assertEquals(1, layout.channels());
        assertEquals(105, layout.height());
        assertEquals(105, layout.width());
        List<String> classes = layout.levels().get(0).classes();
        assertEquals(136, classes.size());
        assertEquals(Map.of("Balinese", 24, "Early_Aramaic", 22, "Greek", 24, "Korean", 40, "Latin", 26),
                charactersPerAlphabet(classes));
        assertEquals("Balinese/character01", classes.get(0));
        assertEquals("Latin/character26", classes.get(135));
        assertSortedUniqueCharacters(classes);
        SplitData all = small1.splits().get("all");
        assertEquals(2_720, all.count());
        int[] counts = imagesPerClass(all, 136);
        for (int c = 0; c < 136; c++) {
            assertEquals(20, counts[c], classes.get(c));
        }
        // binary images: every pixel is paper (255) or ink (0), and there is more paper than ink
        long ink = 0;
        for (byte b : all.pixels()) {
            assertTrue(b == 0 || b == (byte) 255);
            ink += b == 0 ? 1 : 0;
        }
        assertTrue(ink > 0 && ink < all.pixels().length / 4, "ink pixels " + ink);
    }

    @Test
    void small2At28PixelsWithRotationsHas4Times156Classes() throws Exception {
        InMemoryDataset data = read(new OmniglotReader(), dir.resolve("images_background_small2.zip"),
                ReadOptions.DEFAULTS.withImageSize(28).withRotations(true));
        assertEquals(28, data.layout().height());
        assertEquals(28, data.layout().width());
        List<String> classes = data.layout().levels().get(0).classes();
        assertEquals(4 * 156, classes.size());
        assertEquals(classes.size(), new HashSet<>(classes).size());
        List<String> base = classes.stream().filter(c -> c.split("/").length == 2).toList();
        assertEquals(156, base.size());
        assertEquals(Map.of("Greek", 24, "Japanese_(katakana)", 47, "Latin", 26, "Sanskrit", 42, "Tagalog", 17),
                charactersPerAlphabet(base));
        assertSortedUniqueCharacters(base);
        for (int c = 0; c < 156; c++) {
            assertEquals(base.get(c), classes.get(4 * c));
            assertEquals(base.get(c) + "/rot90", classes.get(4 * c + 1));
            assertEquals(base.get(c) + "/rot180", classes.get(4 * c + 2));
            assertEquals(base.get(c) + "/rot270", classes.get(4 * c + 3));
        }
        SplitData all = data.splits().get("all");
        assertEquals(4 * 3_120, all.count());
        for (int count : imagesPerClass(all, classes.size())) {
            assertEquals(20, count);
        }
        // a class's rot90 images are its images turned a quarter counter-clockwise
        ImageDecoding.Pixels first = new ImageDecoding.Pixels(1, 28, 28, FormatFixtures.image(all, 0));
        assertArrayEquals(ImageDecoding.rotateCounterClockwise(first, 1).pixels(), FormatFixtures.image(all, 20));
        // area averaging of 105 → 28 gives grey levels between paper and ink
        boolean between = false;
        for (byte b : FormatFixtures.image(all, 0)) {
            between |= b != 0 && b != (byte) 255;
        }
        assertTrue(between);
    }

    @Test
    void theBundledAlphabetSplitsDivideBothZipsByAlphabet() throws Exception {
        Path splitsFile = dir.resolve("alphabet-splits.json");
        ClassSplits splits = ClassSplits.read(splitsFile);
        assertEquals(List.of("train", "val", "test"), splits.splitNames());
        // every prefix ends with "/", so "Latin/" cannot match an alphabet that merely starts with "Latin"
        for (String split : splits.splitNames()) {
            splits.prefixes(split).forEach(p -> assertTrue(p.endsWith("/"), p));
        }
        InMemoryDataset data = new InMemoryDataset();
        DatasetFormats.read(OmniglotReader.FORMAT, dir,
                ReadOptions.DEFAULTS.withImageSize(28).withRotations(true).withClassSplits(splitsFile), data);
        List<String> classes = data.layout().levels().get(0).classes();
        assertEquals(4 * 242, classes.size());
        Map<String, SplitData> bySplit = data.splits();
        assertEquals(List.of("train", "val", "test"), List.copyOf(bySplit.keySet()));
        // Greek and Latin, in both zips, are training alphabets only
        Map<String, Map<String, Integer>> alphabets = Map.of(
                "train", Map.of("Balinese", 4 * 24, "Greek", 4 * 24, "Korean", 4 * 40, "Latin", 4 * 26),
                "val", Map.of("Early_Aramaic", 4 * 22),
                "test", Map.of("Japanese_(katakana)", 4 * 47, "Sanskrit", 4 * 42, "Tagalog", 4 * 17));
        // 4 × 114, 4 × 22 and 4 × 106 characters
        Map<String, Integer> expectedClasses = Map.of("train", 456, "val", 88, "test", 424);
        List<String> allClassesSeen = new java.util.ArrayList<>();
        for (String split : List.of("train", "val", "test")) {
            SplitData images = bySplit.get(split);
            int[] counts = imagesPerClass(images, classes.size());
            List<String> present = new java.util.ArrayList<>();
            for (int c = 0; c < classes.size(); c++) {
                if (counts[c] > 0) {
                    assertEquals(20, counts[c], split + " " + classes.get(c));
                    present.add(classes.get(c));
                }
            }
            assertEquals(expectedClasses.get(split), present.size(), split);
            assertEquals(20 * expectedClasses.get(split), images.count(), split);
            assertEquals(alphabets.get(split), charactersPerAlphabet(present), split);
            // episodes over the split draw only its own classes
            Episodes episodes = new Episodes(images.labels(), classes.size());
            assertEquals(expectedClasses.get(split), episodes.classCount(), split);
            for (int trial = 0; trial < 50; trial++) {
                for (int c : episodes.episode(1, trial, 20, 1, 19).classes()) {
                    assertTrue(present.contains(classes.get(c)), split + ": " + classes.get(c));
                }
            }
            allClassesSeen.addAll(present);
        }
        assertEquals(classes.size(), allClassesSeen.size());
        assertEquals(classes.size(), new HashSet<>(allClassesSeen).size(), "every class in exactly one split");
    }

    @Test
    void shardsOfTheBundledAlphabetSplitsRecordEachSplitsClassesAndSmallestClass() throws Exception {
        Map<String, Integer> shardsStored = new TreeMap<>();
        ShardWriter writer = new ShardWriter("omniglot", "import-1", 1_000,
                (key, bytes) -> shardsStored.merge(key.split("/")[3], 1, Integer::sum));
        DatasetFormats.read(OmniglotReader.FORMAT, dir, ReadOptions.DEFAULTS.withImageSize(28).withRotations(true)
                .withClassSplits(dir.resolve("alphabet-splits.json")), writer);
        DatasetManifest manifest = writer.finish("omniglot from " + dir.getFileName(), java.time.Instant.EPOCH);
        // 4 rotations × 114, 22 and 106 characters, 20 drawers each
        Map<String, DatasetInfo.SplitClasses> expected = Map.of("train", new DatasetInfo.SplitClasses(456, 20),
                "val", new DatasetInfo.SplitClasses(88, 20), "test", new DatasetInfo.SplitClasses(424, 20));
        for (Map.Entry<String, DatasetInfo.SplitClasses> e : expected.entrySet()) {
            DatasetManifest.SplitManifest split = manifest.splits().get(e.getKey());
            assertEquals(e.getValue().classes(), split.classes(), e.getKey());
            assertEquals(e.getValue().smallestClass(), split.smallestClass(), e.getKey());
            assertEquals(20L * e.getValue().classes(), split.examples(), e.getKey());
        }
        assertEquals(Map.of("test", 9, "train", 10, "val", 2), shardsStored);
        DatasetInfo info = manifest.info();
        assertEquals(expected, info.splitClasses());
        assertEquals(java.util.Optional.of("split 'test' has 424 classes, fewer than ways=500"),
                info.episodeProblem("test", 500, 1, 19));
        assertEquals(java.util.Optional.of(
                        "split 'val' has at most 20 images in its smallest class, fewer than shots+queries=21"),
                info.episodeProblem("val", 5, 1, 20));
        assertEquals(java.util.Optional.empty(), info.episodeProblem("val", 20, 1, 19));
    }

    @Test
    void theFolderOfBothZipsHoldsEachSharedCharacterOnce() throws Exception {
        InMemoryDataset both = read(new OmniglotReader(), dir, ReadOptions.DEFAULTS.withImageSize(28));
        List<String> classes = both.layout().levels().get(0).classes();
        // 136 + 156 characters, less Greek (24) and Latin (26), which both zips hold byte for byte
        assertEquals(136 + 156 - 24 - 26, classes.size());
        assertEquals(8, charactersPerAlphabet(classes).size());
        assertSortedUniqueCharacters(classes);
        assertEquals(20 * 242, both.splits().get("all").count());
    }
}
