package io.metaloop.datasets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Class splits chosen at import time: a JSON file that divides the classes of a dataset's primary label
 * level into disjoint splits by class-name prefix, e.g. Omniglot by alphabet:
 *
 * <pre>
 * {"train": ["Balinese/", "Greek/"], "val": ["Early_Aramaic/"], "test": ["Tagalog/"]}
 * </pre>
 *
 * <p>An object mapping split name to a list of prefixes; a class belongs to a split when its name starts
 * with one of that split's prefixes. Split names match {@value #SPLIT_NAME}; there is at least one split,
 * each with at least one prefix, and no prefix is empty. Resolved against the dataset's classes
 * ({@link #assign}), every class must be matched by the prefixes of exactly one split, and every prefix
 * must match at least one class (an unmatched prefix is almost always a typo). End a prefix with the
 * separator ({@code "Latin/"}) so that it cannot match another class that merely starts the same way.
 *
 * <p>{@link #route} sends every labelled image, whatever split the reader put it in, to the split of its
 * primary class. Labels are left as they are (the dataset's global class indices), so each split holds
 * only its own classes' labels. Unlabelled images (primary label -1, e.g. STL-10's "unlabeled") stay in
 * the reader's split.
 *
 * <p>Errors are {@link DatasetFormatException}s naming the file and the byte offset of the offending
 * text (for errors found against the dataset's classes, of the prefix at fault, or the file's length when
 * no one prefix is), with the line number in the message.
 */
public final class ClassSplits {
    /** The form of a split name. */
    public static final String SPLIT_NAME = "[a-z0-9][a-z0-9_-]{0,31}";
    private static final Pattern SPLIT_NAME_PATTERN = Pattern.compile(SPLIT_NAME);
    /** How many unmatched classes an error lists before giving only their count. */
    private static final int LISTED = 5;
    private static final JsonFactory JSON = new JsonFactory();

    private final String file;
    private final long length;
    private final Map<String, List<Prefix>> splits;

    /** One prefix of the file, with where it is written (for error messages). */
    private record Prefix(String split, String text, int line, long offset) {
        boolean matches(String className) {
            return className.startsWith(text);
        }

        String describe() {
            return "prefix '" + text + "' of split '" + split + "' (line " + line + ")";
        }
    }

    private ClassSplits(String file, long length, Map<String, List<Prefix>> splits) {
        this.file = file;
        this.length = length;
        this.splits = splits;
    }

    /**
     * Reads a class-splits file.
     *
     * @throws DatasetFormatException when there is no such file or it breaks a rule of the format
     */
    public static ClassSplits read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(file.toString(), 0, "no such class-splits file");
        }
        return parse(file.toString(), Files.readAllBytes(file));
    }

    /**
     * The sink readers write to: {@code sink} wrapped with {@link #route} when the options name a
     * class-splits file, else {@code sink} itself.
     *
     * @throws DatasetFormatException when the file is missing or malformed
     */
    public static ImageSink apply(ReadOptions options, ImageSink sink) throws IOException {
        if (options.classSplits().isEmpty()) {
            return sink;
        }
        return read(options.classSplits().get()).route(sink);
    }

    /**
     * Parses a class-splits file's bytes (UTF-8 JSON).
     *
     * @param file the name errors give
     * @throws DatasetFormatException when the text is not JSON (naming line and column), not an object of
     *                                lists of strings, names a split twice or badly, has no split, a split
     *                                without prefixes or an empty prefix
     */
    public static ClassSplits parse(String file, byte[] json) {
        Map<String, List<Prefix>> splits = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken token = p.nextToken();
            String expected = "expected a JSON object mapping split names to lists of class-name prefixes,"
                    + " e.g. {\"train\": [\"Greek/\"], \"test\": [\"Latin/\"]}";
            if (token == null) {
                throw new DatasetFormatException(file, 0, "empty class-splits file: " + expected);
            }
            if (token != JsonToken.START_OBJECT) {
                throw error(file, p, expected);
            }
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String split = p.currentName();
                if (!SPLIT_NAME_PATTERN.matcher(split).matches()) {
                    throw error(file, p, "split name '" + split + "' must match " + SPLIT_NAME
                            + " (lower-case letters, digits, '_' and '-', at most 32)");
                }
                if (splits.containsKey(split)) {
                    throw error(file, p, "split '" + split + "' given twice");
                }
                if (p.nextToken() != JsonToken.START_ARRAY) {
                    throw error(file, p, "split '" + split + "': expected a list of class-name prefixes, got "
                            + describe(p.currentToken()));
                }
                List<Prefix> prefixes = new ArrayList<>();
                while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (token != JsonToken.VALUE_STRING) {
                        throw error(file, p, "split '" + split + "': a prefix must be a string, got " + describe(token));
                    }
                    if (p.getText().isEmpty()) {
                        throw error(file, p, "split '" + split + "': an empty prefix (it would match every class)");
                    }
                    JsonLocation at = p.currentTokenLocation();
                    prefixes.add(new Prefix(split, p.getText(), at.getLineNr(), Math.max(0, at.getByteOffset())));
                }
                if (prefixes.isEmpty()) {
                    throw error(file, p, "split '" + split + "' has no prefixes");
                }
                splits.put(split, List.copyOf(prefixes));
            }
            if (splits.isEmpty()) {
                throw error(file, p, "no splits: give at least one split name with its class-name prefixes");
            }
            if (p.nextToken() != null) {
                throw error(file, p, "text after the JSON object");
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            long offset = at == null ? 0 : Math.max(0, at.getByteOffset());
            String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
            // Jackson names a related position as "[Source: ...; line: L, column: C]"; keep only the position
            String problem = e.getOriginalMessage().replaceAll("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)\\]",
                    "line $1, column $2");
            throw new DatasetFormatException(file, offset, where + "malformed JSON: " + problem);
        } catch (IOException e) {
            throw new IllegalStateException("reading bytes in memory", e); // a byte array cannot fail to read
        }
        return new ClassSplits(file, json.length, splits);
    }

    private static DatasetFormatException error(String file, JsonParser p, String problem) {
        JsonLocation at = p.currentTokenLocation();
        return new DatasetFormatException(file, Math.max(0, at.getByteOffset()), "line " + at.getLineNr() + ", column "
                + at.getColumnNr() + ": " + problem);
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "the end of the file";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "a list";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : "'" + token.asString() + "'";
        };
    }

    public String file() {
        return file;
    }

    /** The split names, in the file's order. */
    public List<String> splitNames() {
        return List.copyOf(splits.keySet());
    }

    /** The prefixes of one split, in the file's order. */
    public List<String> prefixes(String split) {
        List<Prefix> prefixes = splits.get(split);
        if (prefixes == null) {
            throw new IllegalArgumentException("no split '" + split + "' in " + file + "; splits: " + splitNames());
        }
        return prefixes.stream().map(Prefix::text).toList();
    }

    /**
     * The split of every class of a dataset's primary level: element i is the split of class i.
     *
     * @throws DatasetFormatException when a class matches the prefixes of two splits (naming the class and
     *                                both prefixes), a prefix matches no class (naming it), or classes match
     *                                no prefix (naming the first few and giving their count)
     */
    public List<String> assign(LabelLevel primary) {
        List<String> classes = primary.classes();
        Prefix[] owner = new Prefix[classes.size()];
        Map<Prefix, Integer> uses = new LinkedHashMap<>();
        for (List<Prefix> prefixes : splits.values()) {
            for (Prefix prefix : prefixes) {
                uses.put(prefix, 0);
            }
        }
        for (int c = 0; c < classes.size(); c++) {
            for (Prefix prefix : uses.keySet()) {
                if (!prefix.matches(classes.get(c))) {
                    continue;
                }
                uses.merge(prefix, 1, Integer::sum);
                if (owner[c] == null) {
                    owner[c] = prefix;
                } else if (!owner[c].split().equals(prefix.split())) {
                    throw new DatasetFormatException(file, prefix.offset(), "class '" + classes.get(c) + "' of level '"
                            + primary.name() + "' is in two splits: it matches " + owner[c].describe() + " and "
                            + prefix.describe());
                }
            }
        }
        for (Map.Entry<Prefix, Integer> use : uses.entrySet()) {
            if (use.getValue() == 0) {
                Prefix prefix = use.getKey();
                throw new DatasetFormatException(file, prefix.offset(), "line " + prefix.line() + ": prefix '" + prefix.text()
                        + "' of split '" + prefix.split() + "' matches no class of level '" + primary.name() + "' (" + classes.size() + " classes, e.g. '"
                        + classes.get(0) + "'); is it misspelt?");
            }
        }
        List<String> unmatched = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            if (owner[c] == null) {
                unmatched.add(classes.get(c));
            }
        }
        if (!unmatched.isEmpty()) {
            List<String> listed = unmatched.subList(0, Math.min(LISTED, unmatched.size()));
            throw new DatasetFormatException(file, length, unmatched.size() + " of the " + classes.size()
                    + " classes of level '" + primary.name() + "' match no prefix of any split: '"
                    + String.join("', '", listed) + "'" + (unmatched.size() > LISTED ? ", ..." : ""));
        }
        List<String> out = new ArrayList<>(classes.size());
        for (Prefix prefix : owner) {
            out.add(prefix.split());
        }
        return List.copyOf(out);
    }

    /**
     * A sink that passes the layout on unchanged and each image to the split of its primary class (see
     * {@link #assign}, checked when the layout arrives), labels unchanged. An unlabelled image (primary
     * label -1) keeps the reader's split, which must then not be one of this file's split names.
     */
    public ImageSink route(ImageSink downstream) {
        return new ImageSink() {
            private List<String> splitOfClass;

            @Override
            public void layout(DatasetLayout layout) {
                splitOfClass = assign(layout.levels().get(0));
                downstream.layout(layout);
            }

            @Override
            public void image(String split, byte[] pixels, int[] labels) {
                if (splitOfClass == null) {
                    throw new IllegalStateException("image before layout");
                }
                if (labels.length == 0 || labels[0] < -1 || labels[0] >= splitOfClass.size()) {
                    throw new IllegalArgumentException("primary label " + (labels.length == 0 ? "missing" : labels[0])
                            + " outside the " + splitOfClass.size() + " classes of the layout");
                }
                if (labels[0] == -1) {
                    if (splits.containsKey(split)) {
                        throw new DatasetFormatException(file, 0, "the dataset has unlabelled images in split '" + split
                                + "', a name this file gives to a class split; rename the class split");
                    }
                    downstream.image(split, pixels, labels);
                } else {
                    downstream.image(splitOfClass.get(labels[0]), pixels, labels);
                }
            }
        };
    }
}
