package io.metaloop.datasets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A user-supplied label hierarchy: a CSV file whose header names the levels, the first being the
 * dataset's primary level, and whose rows give, for each primary class, its class at every further level:
 *
 * <pre>
 * fine,coarse,three
 * apple,fruit_and_vegetables,plants
 * bear,large_carnivores,animals
 * </pre>
 *
 * <p>UTF-8; fields are trimmed and may be double-quoted ({@code ""} inside quotes is a quote); blank lines
 * and lines starting with {@code #} are skipped. The classes of each further level are numbered in order of
 * first appearance in the file. Every primary class needs exactly one row (a repeated identical row is
 * tolerated), and every class of a further level one parent at the next level: a tree.
 *
 * <p>Errors are {@link DatasetFormatException}s naming the file, the byte offset of the line and, in the
 * message, its line number.
 */
public final class LabelHierarchy {
    private final String file;
    private final long length;
    private final List<String> levelNames;
    private final List<Row> rows;

    private record Row(int line, long offset, List<String> cells) {
    }

    private LabelHierarchy(String file, long length, List<String> levelNames, List<Row> rows) {
        this.file = file;
        this.length = length;
        this.levelNames = List.copyOf(levelNames);
        this.rows = List.copyOf(rows);
    }

    public static LabelHierarchy read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(file.toString(), 0, "no such hierarchy file");
        }
        return parse(file.toString(), Files.readAllBytes(file));
    }

    /**
     * The sink readers write to: {@code sink} wrapped with {@link #extend} when the options name a
     * hierarchy file, else {@code sink} itself.
     */
    public static ImageSink apply(ReadOptions options, ImageSink sink) throws IOException {
        if (options.hierarchyFile().isEmpty()) {
            return sink;
        }
        return read(options.hierarchyFile().get()).extend(sink);
    }

    /** @param file the name errors give */
    public static LabelHierarchy parse(String file, byte[] csv) {
        List<String> header = null;
        long headerOffset = 0;
        int headerLine = 0;
        List<Row> rows = new ArrayList<>();
        int start = 0;
        if (csv.length >= 3 && (csv[0] & 0xFF) == 0xEF && (csv[1] & 0xFF) == 0xBB && (csv[2] & 0xFF) == 0xBF) {
            start = 3;
        }
        int line = 0;
        while (start < csv.length) {
            line++;
            int end = start;
            while (end < csv.length && csv[end] != '\n') {
                end++;
            }
            String text = decode(file, csv, start, end, line);
            if (!text.isBlank() && !text.strip().startsWith("#")) {
                List<String> cells = fields(file, start, line, text);
                if (header == null) {
                    header = cells;
                    headerOffset = start;
                    headerLine = line;
                } else {
                    rows.add(new Row(line, start, cells));
                }
            }
            start = end + 1;
        }
        if (header == null) {
            throw new DatasetFormatException(file, 0, "empty hierarchy file: expected a header line naming the levels,"
                    + " e.g. fine,coarse");
        }
        if (header.size() < 2) {
            throw new DatasetFormatException(file, headerOffset, "line " + headerLine + ": the header names "
                    + header.size() + " level; a hierarchy needs the primary level and at least one more");
        }
        Set<String> seen = new HashSet<>();
        for (String level : header) {
            if (level.isEmpty()) {
                throw new DatasetFormatException(file, headerOffset, "line " + headerLine + ": a level without a name");
            }
            if (!seen.add(level)) {
                throw new DatasetFormatException(file, headerOffset, "line " + headerLine + ": level '" + level
                        + "' named twice");
            }
        }
        if (rows.isEmpty()) {
            throw new DatasetFormatException(file, csv.length, "no rows after the header");
        }
        // one row per primary class, one parent per class of every further level
        Map<String, Row> primaryRows = new HashMap<>();
        List<Map<String, Row>> parentRows = new ArrayList<>();
        for (int level = 1; level < header.size() - 1; level++) {
            parentRows.add(new HashMap<>());
        }
        List<Row> unique = new ArrayList<>();
        for (Row row : rows) {
            List<String> cells = row.cells();
            if (cells.size() != header.size()) {
                throw new DatasetFormatException(file, row.offset(), "line " + row.line() + ": " + cells.size()
                        + " columns, but the header names " + header.size() + " levels");
            }
            for (int i = 0; i < cells.size(); i++) {
                if (cells.get(i).isEmpty()) {
                    throw new DatasetFormatException(file, row.offset(), "line " + row.line() + ": no class for level '"
                            + header.get(i) + "'");
                }
            }
            Row earlier = primaryRows.putIfAbsent(cells.get(0), row);
            if (earlier != null) {
                if (!earlier.cells().equals(cells)) {
                    throw new DatasetFormatException(file, row.offset(), "line " + row.line() + ": class '" + cells.get(0)
                            + "' mapped to two different parents: " + String.join(",", earlier.cells()) + " on line "
                            + earlier.line() + ", " + String.join(",", cells) + " here");
                }
                continue;
            }
            for (int level = 1; level < header.size() - 1; level++) {
                Row first = parentRows.get(level - 1).putIfAbsent(cells.get(level), row);
                if (first != null && !first.cells().get(level + 1).equals(cells.get(level + 1))) {
                    throw new DatasetFormatException(file, row.offset(), "line " + row.line() + ": " + header.get(level)
                            + " class '" + cells.get(level) + "' mapped to two different parents: '"
                            + first.cells().get(level + 1) + "' on line " + first.line() + ", '" + cells.get(level + 1)
                            + "' here");
                }
            }
            unique.add(row);
        }
        return new LabelHierarchy(file, csv.length, header, unique);
    }

    private static String decode(String file, byte[] csv, int start, int end, int line) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(csv, start, end - start))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new DatasetFormatException(file, start, "line " + line + " is not UTF-8 text");
        }
    }

    /** The comma-separated fields of one line, trimmed, with double quotes removed. */
    private static List<String> fields(String file, long offset, int line, String text) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        int i = 0;
        while (true) {
            while (i < text.length() && text.charAt(i) != ',' && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= text.length()) {
                        throw new DatasetFormatException(file, offset, "line " + line + ": a quote is not closed");
                    }
                    char c = text.charAt(i++);
                    if (c == '"') {
                        if (i < text.length() && text.charAt(i) == '"') {
                            cell.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        cell.append(c);
                    }
                }
                while (i < text.length() && text.charAt(i) != ',') {
                    if (!Character.isWhitespace(text.charAt(i))) {
                        throw new DatasetFormatException(file, offset, "line " + line + ": text after a closing quote");
                    }
                    i++;
                }
            } else {
                while (i < text.length() && text.charAt(i) != ',') {
                    cell.append(text.charAt(i++));
                }
            }
            cells.add(cell.toString().strip());
            cell.setLength(0);
            if (i >= text.length()) {
                return cells;
            }
            i++; // the comma
        }
    }

    public String file() {
        return file;
    }

    /** The levels the header names; element 0 is the primary level's column. */
    public List<String> levelNames() {
        return levelNames;
    }

    /**
     * The hierarchy over a dataset's primary level: its classes must be exactly the primary classes the
     * file lists (in any order).
     */
    public Mapping mapping(LabelLevel primary) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < primary.classes().size(); i++) {
            index.put(primary.classes().get(i), i);
        }
        int extra = levelNames.size() - 1;
        List<Map<String, Integer>> classes = new ArrayList<>();
        for (int l = 0; l < extra; l++) {
            classes.add(new LinkedHashMap<>());
        }
        int[][] map = new int[primary.classes().size()][];
        for (Row row : rows) {
            Integer label = index.get(row.cells().get(0));
            if (label == null) {
                throw new DatasetFormatException(file, row.offset(), "line " + row.line() + ": unknown class '"
                        + row.cells().get(0) + "': level '" + primary.name() + "' of the dataset has no such class");
            }
            int[] labels = new int[extra];
            for (int l = 0; l < extra; l++) {
                Map<String, Integer> level = classes.get(l);
                labels[l] = level.computeIfAbsent(row.cells().get(l + 1), c -> level.size());
            }
            map[label] = labels;
        }
        for (int i = 0; i < map.length; i++) {
            if (map[i] == null) {
                throw new DatasetFormatException(file, length, "no row for class '" + primary.classes().get(i)
                        + "' of level '" + primary.name() + "'");
            }
        }
        List<LabelLevel> levels = new ArrayList<>();
        for (int l = 0; l < extra; l++) {
            levels.add(new LabelLevel(levelNames.get(l + 1), List.copyOf(classes.get(l).keySet())));
        }
        return new Mapping(primary, levels, map);
    }

    /**
     * A sink that passes everything on to {@code downstream} with this hierarchy's further levels appended:
     * the layout gets them after its own levels, and each image the labels its level-0 label maps to
     * (-1 at every appended level where the level-0 label is -1, e.g. unlabeled images).
     */
    public ImageSink extend(ImageSink downstream) {
        return new ImageSink() {
            private Mapping mapping;
            private int levels;

            @Override
            public void layout(DatasetLayout layout) {
                Mapping m = mapping(layout.levels().get(0));
                Set<String> names = new HashSet<>();
                for (LabelLevel level : layout.levels()) {
                    names.add(level.name());
                }
                for (LabelLevel level : m.levels()) {
                    if (!names.add(level.name())) {
                        throw new DatasetFormatException(file, 0, "level '" + level.name()
                                + "' is already a level of the dataset");
                    }
                }
                List<LabelLevel> all = new ArrayList<>(layout.levels());
                all.addAll(m.levels());
                mapping = m;
                levels = layout.levels().size();
                downstream.layout(new DatasetLayout(layout.channels(), layout.height(), layout.width(), all));
            }

            @Override
            public void image(String split, byte[] pixels, int[] labels) {
                if (mapping == null) {
                    throw new IllegalStateException("image before layout");
                }
                if (labels.length != levels) {
                    throw new IllegalArgumentException(labels.length + " labels; the layout has " + levels + " levels");
                }
                int extra = mapping.levels().size();
                int[] all = java.util.Arrays.copyOf(labels, levels + extra);
                for (int l = 0; l < extra; l++) {
                    all[levels + l] = labels[0] == -1 ? -1 : mapping.label(labels[0], l);
                }
                downstream.image(split, pixels, all);
            }
        };
    }

    /** A hierarchy resolved against a dataset's primary level. */
    public static final class Mapping {
        private final LabelLevel primary;
        private final List<LabelLevel> levels;
        private final int[][] map;

        private Mapping(LabelLevel primary, List<LabelLevel> levels, int[][] map) {
            this.primary = primary;
            this.levels = List.copyOf(levels);
            this.map = map;
        }

        public LabelLevel primary() {
            return primary;
        }

        /** The further levels, in the header's order. */
        public List<LabelLevel> levels() {
            return levels;
        }

        /** The label at further level {@code level} (0 = the header's second column) of primary class {@code primaryLabel}. */
        public int label(int primaryLabel, int level) {
            if (primaryLabel < 0 || primaryLabel >= map.length) {
                throw new IllegalArgumentException("label " + primaryLabel + " outside level '" + primary.name()
                        + "' (0…" + (map.length - 1) + ")");
            }
            return map[primaryLabel][level];
        }

        /** The labels at every further level of primary class {@code primaryLabel}. */
        public int[] labels(int primaryLabel) {
            label(primaryLabel, 0);
            return map[primaryLabel].clone();
        }
    }
}
