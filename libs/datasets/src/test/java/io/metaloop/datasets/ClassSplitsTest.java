package io.metaloop.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassSplitsTest {
    /** Eight classes of three "alphabets"; "Latin_extended/" starts like "Latin". */
    static final LabelLevel CHARS = new LabelLevel("character", List.of("Greek/c1", "Greek/c1/rot90", "Greek/c2",
            "Latin/c1", "Latin/c2", "Latin_extended/c1", "Tagalog/c1", "Tagalog/c2"));

    static final String JSON = """
            {
              "train": ["Greek/", "Latin/"],
              "val": ["Latin_extended/"],
              "test": ["Tagalog/"]
            }
            """;

    @TempDir
    Path dir;

    private static ClassSplits parse(String json) {
        return ClassSplits.parse("s.json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** The error of parsing {@code json} and assigning {@link #CHARS}; it names the file. */
    private static DatasetFormatException reject(String json) {
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> parse(json).assign(CHARS));
        assertEquals("s.json", e.file(), e.getMessage());
        return e;
    }

    private static void assertMessage(DatasetFormatException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
        }
    }

    private static byte[] pixel(int value) {
        return new byte[] {(byte) value};
    }

    @Test
    void parsesSplitsAndPrefixesInFileOrder() {
        ClassSplits s = parse(JSON);
        assertEquals("s.json", s.file());
        assertEquals(List.of("train", "val", "test"), s.splitNames());
        assertEquals(List.of("Greek/", "Latin/"), s.prefixes("train"));
        assertEquals(List.of("Latin_extended/"), s.prefixes("val"));
        assertThrows(IllegalArgumentException.class, () -> s.prefixes("all"));
    }

    @Test
    void assignsEveryClassToTheSplitOfItsPrefix() {
        assertEquals(List.of("train", "train", "train", "train", "train", "val", "test", "test"), parse(JSON).assign(CHARS));
        // two prefixes of one split may overlap; a BOM and a split named with digits, '_' and '-' are fine
        String overlapping = "\uFEFF{\"meta_train-1\": [\"Greek/\", \"Greek/c1\", \"Latin/\"], \"2\": [\"Latin_\", \"Tagalog/\"]}";
        assertEquals(List.of("meta_train-1", "meta_train-1", "meta_train-1", "meta_train-1", "meta_train-1", "2", "2", "2"),
                parse(overlapping).assign(CHARS));
    }

    @Test
    void routesEveryImageToTheSplitOfItsClassKeepingLabels() {
        InMemoryDataset out = new InMemoryDataset();
        ImageSink sink = parse(JSON).route(out);
        LabelLevel alphabet = new LabelLevel("alphabet", List.of("Greek", "Latin", "Latin_extended", "Tagalog"));
        DatasetLayout layout = new DatasetLayout(1, 1, 1, List.of(CHARS, alphabet));
        sink.layout(layout);
        // the reader's split does not matter: "all", "train" and "test" images are all routed by class
        sink.image("all", pixel(10), new int[] {6, 3});
        sink.image("all", pixel(11), new int[] {0, 0});
        sink.image("test", pixel(12), new int[] {5, 2});
        sink.image("train", pixel(13), new int[] {7, 3});
        sink.image("all", pixel(14), new int[] {1, 0});
        sink.image("unlabeled", pixel(15), new int[] {-1, -1});
        assertEquals(layout, out.layout());
        Map<String, SplitData> splits = out.splits();
        assertEquals(List.of("test", "train", "val", "unlabeled"), List.copyOf(splits.keySet()));
        // labels are the dataset's global class indices, not renumbered per split
        assertArrayEquals(new int[] {6, 3, 7, 3}, splits.get("test").labels());
        assertArrayEquals(new byte[] {10, 13}, splits.get("test").pixels());
        assertArrayEquals(new int[] {0, 0, 1, 0}, splits.get("train").labels());
        assertArrayEquals(new byte[] {11, 14}, splits.get("train").pixels());
        assertArrayEquals(new int[] {5, 2}, splits.get("val").labels());
        assertArrayEquals(new byte[] {12}, splits.get("val").pixels());
        // unlabelled images stay in the reader's split
        assertArrayEquals(new int[] {-1, -1}, splits.get("unlabeled").labels());
        assertThrows(IllegalArgumentException.class, () -> sink.image("all", pixel(0), new int[] {8, 0}));
        assertThrows(IllegalArgumentException.class, () -> sink.image("all", pixel(0), new int[] {-2, 0}));
    }

    @Test
    void episodesOverASplitUseOnlyItsClasses() {
        InMemoryDataset out = new InMemoryDataset();
        ImageSink sink = parse(JSON).route(out);
        sink.layout(new DatasetLayout(1, 1, 1, List.of(CHARS)));
        for (int c = 0; c < CHARS.classes().size(); c++) {
            for (int i = 0; i < 3; i++) {
                sink.image("all", pixel(c), new int[] {c});
            }
        }
        SplitData test = out.splits().get("test");
        Episodes episodes = new Episodes(test.labels(), CHARS.classes().size());
        assertEquals(2, episodes.classCount());
        assertEquals(3, episodes.smallestClass());
        for (long trial = 0; trial < 20; trial++) {
            int[] classes = episodes.episode(7, trial, 2, 1, 2).classes();
            java.util.Arrays.sort(classes);
            assertArrayEquals(new int[] {6, 7}, classes);
        }
        assertThrows(IllegalArgumentException.class, () -> episodes.requireFits(3, 1, 1));
    }

    @Test
    void unlabelledImagesInASplitOfTheFileAreRefused() {
        ImageSink sink = parse(JSON).route(new InMemoryDataset());
        sink.layout(new DatasetLayout(1, 1, 1, List.of(CHARS)));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> sink.image("train", pixel(0), new int[] {-1}));
        assertMessage(e, "unlabelled images in split 'train'");
        assertThrows(IllegalStateException.class,
                () -> parse(JSON).route(new InMemoryDataset()).image("all", pixel(0), new int[] {0}));
    }

    @Test
    void applyWrapsOnlyWhenTheOptionsNameAFileAndDatasetFormatsReadsWithIt() throws Exception {
        ImageSink plain = new InMemoryDataset();
        assertSame(plain, ClassSplits.apply(ReadOptions.DEFAULTS, plain));
        Path file = Files.writeString(dir.resolve("splits.json"), JSON);
        ReadOptions options = ReadOptions.DEFAULTS.withImageSize(3).withClassSplits(file);
        assertEquals(java.util.Optional.of(file), options.classSplits());
        assertEquals(3, options.withRotations(true).imageSize());
        assertEquals(java.util.Optional.of(file), options.withRotations(true).withHierarchyFile(dir).classSplits());
        InMemoryDataset out = new InMemoryDataset();
        ImageSink sink = ClassSplits.apply(options, out);
        sink.layout(new DatasetLayout(1, 1, 1, List.of(CHARS)));
        sink.image("all", pixel(1), new int[] {5});
        assertEquals(List.of("val"), List.copyOf(out.splits().keySet()));

        DatasetFormatException missing = assertThrows(DatasetFormatException.class,
                () -> ClassSplits.apply(ReadOptions.DEFAULTS.withClassSplits(dir.resolve("absent.json")), out));
        assertTrue(missing.file().endsWith("absent.json"), missing.file());
        assertMessage(missing, "no such class-splits file");
        // read names the file by its path
        Files.writeString(dir.resolve("bad.json"), "{\"train\": [\"Greek/\"]");
        DatasetFormatException bad = assertThrows(DatasetFormatException.class, () -> ClassSplits.read(dir.resolve("bad.json")));
        assertEquals(dir.resolve("bad.json").toString(), bad.file());
    }

    // ---------------------------------------------------------------- errors, each naming the file

    @Test
    void splitNamesMustBeLowerCaseLettersDigitsUnderscoresAndHyphens() {
        for (String name : List.of("Train", "", "-train", "_x", "meta train", "tést", "x".repeat(33))) {
            DatasetFormatException e = reject("{\"train\": [\"Greek/\"], \"" + name + "\": [\"Latin/\"]}");
            assertMessage(e, "split name '" + name + "' must match [a-z0-9][a-z0-9_-]{0,31}", "line 1, column ");
            assertEquals(22, e.byteOffset(), e.getMessage());
        }
        // 32 characters are allowed
        String longest = "a" + "b".repeat(31);
        assertEquals(List.of(longest), parse("{\"" + longest + "\": [\"G\"]}").splitNames());
    }

    @Test
    void atLeastOneSplitEachWithPrefixes() {
        assertMessage(reject("{}"), "no splits");
        assertMessage(reject(" { \n } "), "line 2", "no splits");
        DatasetFormatException e = reject("{\"train\": [\"Greek/\", \"Latin/\", \"Latin_extended/\"],\n \"test\": []}");
        assertMessage(e, "line 2, column", "split 'test' has no prefixes");
    }

    @Test
    void everyPrefixIsANonEmptyString() {
        String json = "{\"train\": [\"Greek/\", \"Latin\"],\n \"test\": [\"Tagalog/\", \"\"]}";
        DatasetFormatException e = reject(json);
        assertMessage(e, "line 2, column 23: split 'test': an empty prefix");
        assertEquals(json.lastIndexOf("\"\""), e.byteOffset());
        assertMessage(reject("{\"train\": [\"Greek/\", 3]}"), "split 'train': a prefix must be a string, got a number");
        assertMessage(reject("{\"train\": [[\"Greek/\"]]}"), "split 'train': a prefix must be a string, got a list");
        assertMessage(reject("{\"train\": \"Greek/\"}"), "split 'train': expected a list of class-name prefixes, got a string");
        assertMessage(reject("{\"train\": null}"), "got null");
        assertMessage(reject("[\"Greek/\"]"), "line 1, column 1: expected a JSON object mapping split names to lists");
        DatasetFormatException empty = reject("");
        assertMessage(empty, "empty class-splits file: expected a JSON object");
        assertEquals(0, empty.byteOffset());
    }

    @Test
    void aSplitNamedTwiceIsAnError() {
        assertMessage(reject("{\"train\": [\"Greek/\"],\n\"train\": [\"Latin/\"]}"), "line 2, column 1: split 'train' given twice");
    }

    @Test
    void malformedJsonGivesLineAndColumn() {
        String json = "{\n  \"train\": [\"Greek/\", \"Latin/\"],\n  \"test\": [\"Tagalog/\" \"x\"]\n}";
        DatasetFormatException e = reject(json);
        assertMessage(e, "line 3, column 23: malformed JSON");
        assertEquals(json.indexOf("\"x\""), e.byteOffset());
        DatasetFormatException truncated = reject("{\"train\": [\"Greek/\"]");
        assertMessage(truncated, "line 1, column 21: malformed JSON", "end-of-input", "start marker at line 1, column 1");
        assertTrue(!truncated.getMessage().contains("Source"), truncated.getMessage());
        assertMessage(reject("{train: [\"Greek/\"]}"), "line 1, column 2: malformed JSON");
        assertMessage(reject("{\"train\": [\"Greek/\"]} {\"test\": []}"), "line 1, column 23: text after the JSON object");
    }

    @Test
    void aClassMatchedByTwoSplitsIsAnErrorNamingTheClassAndBothSplits() {
        // "Latin" (no slash) also matches Latin_extended/c1, which "val" claims
        String json = "{\"train\": [\"Greek/\", \"Latin\"],\n \"val\": [\"Latin_extended/\"], \"test\": [\"Tagalog/\"]}";
        DatasetFormatException e = reject(json);
        assertMessage(e, "class 'Latin_extended/c1' of level 'character' is in two splits",
                "prefix 'Latin' of split 'train' (line 1)", "prefix 'Latin_extended/' of split 'val' (line 2)");
        assertEquals(json.indexOf("\"Latin_extended/\""), e.byteOffset());
        // the same prefix in two splits
        assertMessage(reject("{\"train\": [\"Greek/\", \"Latin\"], \"test\": [\"Tagalog/\", \"Greek/\"]}"),
                "class 'Greek/c1' of level 'character' is in two splits", "'train'", "'test'");
    }

    @Test
    void aPrefixThatMatchesNoClassIsAnErrorNamingIt() {
        String json = "{\"train\": [\"Greek/\", \"Latin/\"],\n \"val\": [\"Latin_extended/\", \"Latn/\"], \"test\": [\"Tagalog/\"]}";
        DatasetFormatException e = reject(json);
        assertMessage(e, "line 2: prefix 'Latn/' of split 'val' matches no class of level 'character' (8 classes, e.g. 'Greek/c1')");
        assertEquals(json.indexOf("\"Latn/\""), e.byteOffset());
        // prefixes are case-sensitive and match from the start of the name
        assertMessage(reject(JSON.replace("\"Tagalog/\"", "\"tagalog/\"")), "prefix 'tagalog/' of split 'test' matches no class");
        assertMessage(reject(JSON.replace("\"Tagalog/\"", "\"c1\"")), "prefix 'c1' of split 'test' matches no class");
    }

    @Test
    void classesMatchedByNoPrefixAreNamedWithTheirCount() {
        String json = "{\"train\": [\"Latin/\"], \"test\": [\"Tagalog/c2\"]}";
        DatasetFormatException e = reject(json);
        assertMessage(e, "5 of the 8 classes of level 'character' match no prefix of any split: 'Greek/c1', 'Greek/c1/rot90',"
                + " 'Greek/c2', 'Latin_extended/c1', 'Tagalog/c1'");
        assertTrue(!e.getMessage().contains("..."), e.getMessage());
        assertEquals(json.length(), e.byteOffset());
        DatasetFormatException more = reject("{\"test\": [\"Tagalog/c2\"]}");
        assertMessage(more, "7 of the 8 classes", "'Greek/c1', 'Greek/c1/rot90', 'Greek/c2', 'Latin/c1', 'Latin/c2', ...");
        assertTrue(!more.getMessage().contains("Latin_extended"), more.getMessage());
    }

    @Test
    void assignmentErrorsSurfaceWhenTheLayoutArrives() {
        ImageSink sink = parse("{\"train\": [\"Greek/\"]}").route(new InMemoryDataset());
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> sink.layout(new DatasetLayout(1, 1, 1, List.of(CHARS))));
        assertMessage(e, "5 of the 8 classes");
    }
}
