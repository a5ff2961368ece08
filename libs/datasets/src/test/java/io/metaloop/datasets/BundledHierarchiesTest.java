package io.metaloop.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.datasets.formats.OmniglotReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The label hierarchies bundled next to the data: {@code data/fashion-mnist/group-hierarchy.csv} (the
 * 10 classes in 5 groups of 2) and {@code data/omniglot/alphabet-hierarchy.csv} (each character of the
 * two small sets, without rotations, under its alphabet).
 */
class BundledHierarchiesTest {
    private static final Path DATA = FashionMnistTest.projectRoot().resolve("data");

    /** Group of each Fashion-MNIST class, in class-index order. */
    private static final int[] GROUP = {0, 2, 1, 2, 1, 3, 0, 3, 4, 4};

    @Test
    void fashionMnistGroupsItsTenClassesInFivePairs() throws Exception {
        Path file = DATA.resolve("fashion-mnist").resolve("group-hierarchy.csv");
        InMemoryDataset data = new InMemoryDataset();
        DatasetFormats.read("fashion-mnist", DATA.resolve("fashion-mnist"), ReadOptions.DEFAULTS.withHierarchyFile(file), data);
        List<LabelLevel> levels = data.layout().levels();
        assertEquals(2, levels.size());
        assertEquals(FashionMnist.CLASSES, levels.get(0).classes());
        assertEquals("group", levels.get(1).name());
        assertEquals(List.of("tops", "warm-tops", "trousers-dresses", "shoes", "bags-boots"), levels.get(1).classes());
        Map<String, SplitData> splits = data.splits();
        // the first images of each split (labels read independently from the idx files with Python):
        // train 9 0 0 3 0 2 7 2 5 5, test 9 2 1 1 6 1 4 6 5 7
        assertArrayEquals(new int[] {9, 4, 0, 0, 0, 0, 3, 2, 0, 0, 2, 1, 7, 3, 2, 1, 5, 3, 5, 3},
                java.util.Arrays.copyOf(splits.get("train").labels(), 20));
        assertArrayEquals(new int[] {9, 4, 2, 1, 1, 2, 1, 2, 6, 0, 1, 2, 4, 1, 6, 0, 5, 3, 7, 3},
                java.util.Arrays.copyOf(splits.get("test").labels(), 20));
        for (SplitData split : splits.values()) {
            int[] labels = split.labels();
            for (int i = 0; i < split.count(); i++) {
                assertEquals(GROUP[labels[2 * i]], labels[2 * i + 1], "image " + i);
            }
        }
        assertEquals(20_000, splits.get("train").count());
        assertEquals(10_000, splits.get("test").count());
    }

    @Test
    void omniglotHasItsCharactersUnderEightAlphabets() throws Exception {
        Path dir = DATA.resolve("omniglot");
        Path file = dir.resolve("alphabet-hierarchy.csv");
        assertTrue(Files.isRegularFile(file));
        InMemoryDataset data = new InMemoryDataset();
        // with testShare too: the two wrappers compose
        DatasetFormats.read(OmniglotReader.FORMAT, dir,
                ReadOptions.DEFAULTS.withImageSize(28).withHierarchyFile(file).withTestShare(0.25), data);
        List<LabelLevel> levels = data.layout().levels();
        List<String> characters = levels.get(0).classes();
        assertEquals(242, characters.size());
        assertEquals("alphabet", levels.get(1).name());
        // the two small sets hold 5 alphabets each, Greek and Latin in both: 8 alphabets, in class order
        List<String> alphabets = List.of("Balinese", "Early_Aramaic", "Greek", "Japanese_(katakana)", "Korean", "Latin",
                "Sanskrit", "Tagalog");
        assertEquals(alphabets, levels.get(1).classes());
        Map<String, Integer> psi = new LinkedHashMap<>();
        for (String c : characters) {
            psi.merge(c.substring(0, c.indexOf('/')), 1, Integer::sum);
        }
        assertEquals(alphabets, new ArrayList<>(psi.keySet()));
        assertEquals(List.of(24, 22, 24, 47, 40, 26, 42, 17), new ArrayList<>(psi.values()));
        Map<String, SplitData> splits = data.splits();
        assertEquals(3_630, splits.get("train").count());
        assertEquals(1_210, splits.get("test").count());
        for (SplitData split : splits.values()) {
            int[] labels = split.labels();
            for (int i = 0; i < split.count(); i++) {
                String character = characters.get(labels[2 * i]);
                assertEquals(character.substring(0, character.indexOf('/')), alphabets.get(labels[2 * i + 1]), character);
            }
        }
    }
}
