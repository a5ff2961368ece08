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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelHierarchyTest {
    static final LabelLevel FINE = new LabelLevel("fine", List.of("apple", "bear", "rose", "tractor", "wolf"));

    static final String CSV = """
            fine,coarse,three
            bear,large_carnivores,animals
            apple,fruit_and_vegetables,plants
            wolf,large_carnivores,animals
            rose,flowers,plants
            tractor,vehicles_2,objects
            """;

    @TempDir
    Path dir;

    private static LabelHierarchy parse(String csv) {
        return LabelHierarchy.parse("h.csv", csv.getBytes(StandardCharsets.UTF_8));
    }

    private static DatasetFormatException reject(String csv) {
        return assertThrows(DatasetFormatException.class, () -> parse(csv).mapping(FINE));
    }

    /** Offset of the start of 1-based {@code line} in {@code csv}. */
    private static long lineOffset(String csv, int line) {
        int offset = 0;
        for (int l = 1; l < line; l++) {
            offset = csv.indexOf('\n', offset) + 1;
        }
        return offset;
    }

    private static void assertLine(DatasetFormatException e, String csv, int line, String part) {
        assertEquals("h.csv", e.file(), e.getMessage());
        assertEquals(lineOffset(csv, line), e.byteOffset(), e.getMessage());
        assertTrue(e.getMessage().contains("line " + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void mapsEveryPrimaryClassToItsClassesAtTheFurtherLevels() {
        LabelHierarchy h = parse(CSV);
        assertEquals(List.of("fine", "coarse", "three"), h.levelNames());
        LabelHierarchy.Mapping m = h.mapping(FINE);
        assertEquals(FINE, m.primary());
        // classes numbered in order of first appearance in the file
        assertEquals(List.of(new LabelLevel("coarse", List.of("large_carnivores", "fruit_and_vegetables", "flowers",
                "vehicles_2")), new LabelLevel("three", List.of("animals", "plants", "objects"))), m.levels());
        assertArrayEquals(new int[] {1, 1}, m.labels(0)); // apple
        assertArrayEquals(new int[] {0, 0}, m.labels(1)); // bear
        assertArrayEquals(new int[] {2, 1}, m.labels(2)); // rose
        assertArrayEquals(new int[] {3, 2}, m.labels(3)); // tractor
        assertArrayEquals(new int[] {0, 0}, m.labels(4)); // wolf
        assertEquals(2, m.label(3, 1));
        assertThrows(IllegalArgumentException.class, () -> m.label(5, 0));
        assertThrows(IllegalArgumentException.class, () -> m.labels(-1));
    }

    @Test
    void toleratesQuotesSpacesCrLfBomCommentsAndRepeatedIdenticalRows() {
        String csv = "\uFEFF# my hierarchy\r\n fine , coarse\r\n\r\n\"apple\", \"fruit, veg\"\r\nbear,animal\r\n"
                + "rose,\"the \"\"flower\"\"\"\r\ntractor,machine\r\nwolf,animal\r\nbear,animal\r\n";
        LabelHierarchy.Mapping m = parse(csv).mapping(FINE);
        assertEquals(new LabelLevel("coarse", List.of("fruit, veg", "animal", "the \"flower\"", "machine")),
                m.levels().get(0));
        assertArrayEquals(new int[] {1}, m.labels(4));
    }

    @Test
    void extendAppendsTheLevelsToTheLayoutAndEveryImage() {
        InMemoryDataset out = new InMemoryDataset();
        ImageSink sink = parse(CSV).extend(out);
        sink.layout(new DatasetLayout(1, 2, 2, List.of(FINE)));
        sink.image("train", new byte[] {1, 2, 3, 4}, new int[] {3});
        sink.image("train", new byte[] {5, 6, 7, 8}, new int[] {1});
        sink.image("unlabeled", new byte[] {9, 9, 9, 9}, new int[] {-1});
        assertEquals(List.of("fine", "coarse", "three"), out.layout().levels().stream().map(LabelLevel::name).toList());
        SplitData train = out.splits().get("train");
        assertArrayEquals(new int[] {3, 3, 2, 1, 0, 0}, train.labels());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, train.pixels());
        assertArrayEquals(new int[] {-1, -1, -1}, out.splits().get("unlabeled").labels());
        assertThrows(IllegalArgumentException.class, () -> sink.image("train", new byte[4], new int[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> sink.image("train", new byte[4], new int[] {9}));
    }

    @Test
    void extendKeepsTheReadersOwnFurtherLevels() {
        InMemoryDataset out = new InMemoryDataset();
        ImageSink sink = parse("fine,kingdom\napple,plant\nbear,animal\nrose,plant\ntractor,none\nwolf,animal\n")
                .extend(out);
        LabelLevel size = new LabelLevel("size", List.of("small", "big"));
        sink.layout(new DatasetLayout(1, 1, 1, List.of(FINE, size)));
        sink.image("train", new byte[] {0}, new int[] {4, 1});
        assertEquals(List.of(FINE, size, new LabelLevel("kingdom", List.of("plant", "animal", "none"))),
                out.layout().levels());
        assertArrayEquals(new int[] {4, 1, 1}, out.splits().get("train").labels());
        // a level the dataset already has cannot be added again
        ImageSink twice = parse("fine,size\napple,a\nbear,b\nrose,a\ntractor,b\nwolf,b\n").extend(new InMemoryDataset());
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> twice.layout(new DatasetLayout(1, 1, 1, List.of(FINE, size))));
        assertTrue(e.getMessage().contains("'size' is already a level"), e.getMessage());
    }

    @Test
    void applyWrapsOnlyWhenTheOptionsNameAFile() throws Exception {
        ImageSink plain = new InMemoryDataset();
        assertSame(plain, LabelHierarchy.apply(ReadOptions.DEFAULTS, plain));
        Path file = Files.writeString(dir.resolve("h.csv"), CSV);
        InMemoryDataset out = new InMemoryDataset();
        ImageSink sink = LabelHierarchy.apply(ReadOptions.DEFAULTS.withHierarchyFile(file), out);
        sink.layout(new DatasetLayout(1, 1, 1, List.of(FINE)));
        assertEquals(3, out.layout().levels().size());
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> LabelHierarchy.apply(ReadOptions.DEFAULTS.withHierarchyFile(dir.resolve("absent.csv")), out));
        assertTrue(e.file().endsWith("absent.csv"));
    }

    // ---------------------------------------------------------------- errors, each naming file and line

    @Test
    void primaryClassMissingFromTheFile() {
        String csv = CSV.replace("rose,flowers,plants\n", "");
        DatasetFormatException e = reject(csv);
        assertEquals("h.csv", e.file());
        assertEquals(csv.length(), e.byteOffset());
        assertTrue(e.getMessage().contains("no row for class 'rose' of level 'fine'"), e.getMessage());
    }

    @Test
    void unknownClassInTheFile() {
        String csv = CSV + "lion,large_carnivores,animals\n";
        assertLine(reject(csv), csv, 7, "unknown class 'lion'");
    }

    @Test
    void rowWithTheWrongNumberOfColumns() {
        String csv = CSV.replace("rose,flowers,plants", "rose,flowers");
        assertLine(reject(csv), csv, 5, "2 columns, but the header names 3 levels");
        String wide = CSV.replace("rose,flowers,plants", "rose,flowers,plants,extra");
        assertLine(reject(wide), wide, 5, "4 columns");
        String blank = CSV.replace("rose,flowers,plants", "rose,,plants");
        assertLine(reject(blank), blank, 5, "no class for level 'coarse'");
    }

    @Test
    void classMappedToTwoDifferentParents() {
        // a primary class given twice, differently
        String csv = CSV + "apple,fruit_and_vegetables,objects\n";
        assertLine(reject(csv), csv, 7, "class 'apple' mapped to two different parents");
        // an intermediate class under two classes of the next level
        String coarse = CSV.replace("wolf,large_carnivores,animals", "wolf,large_carnivores,plants");
        assertLine(reject(coarse), coarse, 4, "coarse class 'large_carnivores' mapped to two different parents:"
                + " 'animals' on line 2, 'plants' here");
    }

    @Test
    void emptyFile() {
        for (String csv : List.of("", "\n\n  \n", "# only a comment\n")) {
            DatasetFormatException e = reject(csv);
            assertEquals("h.csv", e.file());
            assertEquals(0, e.byteOffset());
            assertTrue(e.getMessage().contains("empty hierarchy file"), e.getMessage());
        }
        DatasetFormatException headerOnly = reject("fine,coarse\n");
        assertTrue(headerOnly.getMessage().contains("no rows after the header"), headerOnly.getMessage());
    }

    @Test
    void badHeaders() {
        assertLine(reject("fine\napple\n"), "fine\napple\n", 1, "a hierarchy needs the primary level and at least one more");
        assertLine(reject("fine,coarse,coarse\napple,a,b\n"), "x", 1, "level 'coarse' named twice");
        assertLine(reject("fine,,three\napple,a,b\n"), "x", 1, "a level without a name");
        assertLine(reject("fine,\"coarse\nrose,a\n"), "x", 1, "a quote is not closed");
    }

    @Test
    void notUtf8() {
        byte[] csv = {'f', 'i', 'n', 'e', ',', 'c', '\n', 'a', (byte) 0xFF, ',', 'b', '\n'};
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> LabelHierarchy.parse("h.csv", csv));
        assertEquals(7, e.byteOffset());
        assertTrue(e.getMessage().contains("line 2 is not UTF-8"), e.getMessage());
    }

    @Test
    void readNamesTheFileByItsPath() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.csv"), "fine,coarse\napple\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> LabelHierarchy.read(file));
        assertEquals(file.toString(), e.file());
        assertTrue(e.getMessage().contains("line 2: 1 columns"), e.getMessage());
    }
}
