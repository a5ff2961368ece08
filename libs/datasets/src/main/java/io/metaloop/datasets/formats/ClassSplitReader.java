package io.metaloop.datasets.formats;

import io.metaloop.datasets.Archive;
import io.metaloop.datasets.DatasetFormatException;
import io.metaloop.datasets.DatasetLayout;
import io.metaloop.datasets.DatasetReader;
import io.metaloop.datasets.ImageSink;
import io.metaloop.datasets.LabelLevel;
import io.metaloop.datasets.ReadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Few-shot datasets published as one pool of images plus class-split files that say which classes are
 * meta-train, meta-val and meta-test. Two kinds:
 * <ul>
 * <li>{@link Kind#CSV} (mini-ImageNet, Ravi &amp; Larochelle 2017): {@code train.csv}, {@code val.csv},
 *     {@code test.csv}, header {@code filename,label}, one image a line (label = the class, a wnid), and a
 *     flat {@code images/} folder holding every file the CSVs name.</li>
 * <li>{@link Kind#CLASS_LIST} (tiered-ImageNet, CIFAR-FS, FC100 as image trees): {@code train.txt},
 *     {@code val.txt}, {@code test.txt}, one class folder name a line, over {@code <root>/<class>/<image>}.</li>
 * </ul>
 * The split files are read from {@code options.splitFiles()} when given (a folder on disk), otherwise from
 * the source itself: the shallowest {@code train.csv}/{@code train.txt} in it marks the root, which holds
 * {@code images/} (CSV) or the class folders (class lists). With split files from elsewhere, the root is
 * found from the first file or class they name.
 *
 * <p>Output: RGB, resized to {@code options.imageSize()} squared, or the common size of the images when
 * that is 0 (an error if they differ); splits {@code train}, {@code val}, {@code test}, each in archive
 * order, with disjoint classes; one label level {@value #LEVEL} holding the classes of all three splits,
 * train's sorted by name, then val's, then test's, so that labels are global.
 *
 * <p>Errors (naming the split file and line): a line naming a file or class folder that does not exist,
 * a class in two splits, a file listed twice, a split that lists nothing, a missing split file.
 */
public abstract class ClassSplitReader implements DatasetReader {
    public static final String LEVEL = "class";
    static final List<String> SPLITS = List.of("train", "val", "test");

    enum Kind { CSV, CLASS_LIST }

    private final String format;
    private final Kind kind;

    ClassSplitReader(String format, Kind kind) {
        this.format = format;
        this.kind = kind;
    }

    @Override
    public String format() {
        return format;
    }

    private String extension() {
        return kind == Kind.CSV ? ".csv" : ".txt";
    }

    /** A split file's bytes and its name for errors. */
    private record SplitFile(String where, byte[] bytes) {
    }

    @Override
    public void read(Path source, ReadOptions options, ImageSink sink) throws IOException {
        Archive archive = SourceFiles.open(source, options);
        List<String> files = SourceFiles.files(archive);
        Set<String> fileSet = new HashSet<>(files);
        Map<String, SplitFile> splitFiles = new LinkedHashMap<>();
        String root = null;
        if (options.splitFiles().isPresent()) {
            Path dir = options.splitFiles().get();
            for (String split : SPLITS) {
                Path p = dir.resolve(split + extension());
                if (!Files.isRegularFile(p)) {
                    throw new DatasetFormatException(p.toString(), 0, "missing: " + format + " needs "
                            + String.join(", ", SPLITS.stream().map(s -> s + extension()).toList()));
                }
                splitFiles.put(split, new SplitFile(p.toString(), Files.readAllBytes(p)));
            }
        } else {
            String marker = "train" + extension();
            for (String f : files) {
                if ((f.equals(marker) || f.endsWith("/" + marker)) && !SourceFiles.ignored(f)) {
                    String prefix = f.substring(0, f.length() - marker.length());
                    if (root == null || prefix.length() < root.length()) {
                        root = prefix;
                    }
                }
            }
            if (root == null) {
                throw new DatasetFormatException(source.toString(), 0, "no " + marker + " in the source; give the "
                        + "folder of the split files (" + format + ")");
            }
            Set<String> wanted = new HashSet<>();
            for (String split : SPLITS) {
                wanted.add(root + split + extension());
            }
            Map<String, byte[]> read = SourceFiles.read(archive, wanted);
            for (String split : SPLITS) {
                String name = root + split + extension();
                if (!read.containsKey(name)) {
                    throw new DatasetFormatException(SourceFiles.where(source, name), 0, "missing");
                }
                splitFiles.put(split, new SplitFile(SourceFiles.where(source, name), read.get(name)));
            }
        }

        // split → class → entries
        Map<String, Map<String, List<String>>> splits = kind == Kind.CSV
                ? fromCsv(source, files, fileSet, splitFiles, root)
                : fromClassLists(source, files, splitFiles, root);

        List<String> classes = new ArrayList<>();
        Map<String, Map<String, Integer>> labels = new LinkedHashMap<>();
        Set<String> all = new HashSet<>();
        for (String split : SPLITS) {
            Map<String, Integer> entries = new LinkedHashMap<>();
            for (var cls : splits.get(split).entrySet()) {
                int label = classes.size();
                classes.add(cls.getKey());
                for (String f : cls.getValue()) {
                    entries.put(f, label);
                }
            }
            labels.put(split, entries);
            all.addAll(entries.keySet());
        }
        ImageTree.Shape shape = ImageTree.shape(source, archive, all, options.imageSize(), format);
        sink.layout(new DatasetLayout(3, shape.height(), shape.width(), List.of(new LabelLevel(LEVEL, classes))));
        for (String split : SPLITS) {
            ImageTree.emit(source, archive, split, labels.get(split), 3, shape, sink);
        }
    }

    private Map<String, Map<String, List<String>>> fromCsv(Path source, List<String> files, Set<String> fileSet,
                                                         Map<String, SplitFile> splitFiles, String root) {
        String images = root == null ? null : root + "images/";
        Map<String, String> splitOfClass = new HashMap<>();
        Map<String, String> whereOfClass = new HashMap<>();
        Map<String, String> whereOfFile = new HashMap<>();
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
        for (var e : splitFiles.entrySet()) {
            String split = e.getKey();
            String where = e.getValue().where();
            Map<String, List<String>> classes = new TreeMap<>();
            List<SourceFiles.Line> lines = SourceFiles.lines(e.getValue().bytes(), where);
            for (SourceFiles.Line line : lines) {
                String text = line.text().trim();
                if (text.isEmpty() || (line.number() == 1 && text.replace(" ", "").toLowerCase(Locale.ROOT)
                        .equals("filename,label"))) {
                    continue;
                }
                String at = "line " + line.number() + ": ";
                String[] fields = text.split(",", -1);
                if (fields.length != 2 || fields[0].isBlank() || fields[1].isBlank()) {
                    throw new DatasetFormatException(where, line.offset(), at + "expected filename,label, found '"
                            + text + "'");
                }
                String file = fields[0].trim();
                String cls = fields[1].trim();
                if (images == null) {
                    images = findImagesFolder(files, file);
                    if (images == null) {
                        throw new DatasetFormatException(where, line.offset(), at + "names " + file
                                + ", which is in no images/ folder of " + source);
                    }
                }
                String entry = images + file;
                if (!fileSet.contains(entry)) {
                    throw new DatasetFormatException(where, line.offset(), at + "names " + file
                            + ", which is missing from " + SourceFiles.where(source, images));
                }
                String previous = whereOfFile.putIfAbsent(entry, where + " line " + line.number());
                if (previous != null) {
                    throw new DatasetFormatException(where, line.offset(), at + file + " is already listed at "
                            + previous);
                }
                checkClass(cls, split, where, line, splitOfClass, whereOfClass);
                classes.computeIfAbsent(cls, c -> new ArrayList<>()).add(entry);
            }
            if (classes.isEmpty()) {
                throw new DatasetFormatException(where, 0, "lists no images: the " + split + " split would be empty");
            }
            out.put(split, classes);
        }
        return out;
    }

    private static String findImagesFolder(List<String> files, String file) {
        String best = null;
        for (String f : files) {
            if (f.equals("images/" + file) || f.endsWith("/images/" + file)) {
                String prefix = f.substring(0, f.length() - file.length());
                if (best == null || prefix.length() < best.length()) {
                    best = prefix;
                }
            }
        }
        return best;
    }

    private Map<String, Map<String, List<String>>> fromClassLists(Path source, List<String> files,
                                                                Map<String, SplitFile> splitFiles, String root) {
        // class folder path ("<root><class>/") → its images
        Map<String, List<String>> folders = new HashMap<>();
        for (String f : files) {
            if (SourceFiles.isImage(f)) {
                folders.computeIfAbsent(f.substring(0, f.lastIndexOf('/') + 1), k -> new ArrayList<>()).add(f);
            }
        }
        Map<String, String> splitOfClass = new HashMap<>();
        Map<String, String> whereOfClass = new HashMap<>();
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
        for (var e : splitFiles.entrySet()) {
            String split = e.getKey();
            String where = e.getValue().where();
            Map<String, List<String>> classes = new TreeMap<>();
            for (SourceFiles.Line line : SourceFiles.lines(e.getValue().bytes(), where)) {
                String cls = line.text().trim();
                if (cls.isEmpty()) {
                    continue;
                }
                String at = "line " + line.number() + ": ";
                if (cls.contains("/") || cls.equals(".") || cls.equals("..")) {
                    throw new DatasetFormatException(where, line.offset(), at + "'" + cls + "' is not a class folder name");
                }
                if (root == null) {
                    root = findRoot(folders.keySet(), cls);
                    if (root == null) {
                        throw new DatasetFormatException(where, line.offset(), at + "names class " + cls
                                + ", which has no folder of images in " + source);
                    }
                }
                List<String> images = folders.get(root + cls + "/");
                if (images == null) {
                    throw new DatasetFormatException(where, line.offset(), at + "names class " + cls
                            + ", which has no folder of images in " + SourceFiles.where(source, root.isEmpty() ? "" : root));
                }
                if (classes.containsKey(cls)) {
                    throw new DatasetFormatException(where, line.offset(), at + "class " + cls + " listed again ("
                            + whereOfClass.get(cls) + ")");
                }
                checkClass(cls, split, where, line, splitOfClass, whereOfClass);
                classes.put(cls, images);
            }
            if (classes.isEmpty()) {
                throw new DatasetFormatException(where, 0, "lists no classes: the " + split + " split would be empty");
            }
            out.put(split, classes);
        }
        return out;
    }

    /** The shallowest folder holding a folder named {@code cls} of images. */
    private static String findRoot(Set<String> folders, String cls) {
        String best = null;
        for (String folder : folders) {
            if (folder.equals(cls + "/") || folder.endsWith("/" + cls + "/")) {
                String prefix = folder.substring(0, folder.length() - cls.length() - 1);
                if (best == null || prefix.length() < best.length()) {
                    best = prefix;
                }
            }
        }
        return best;
    }

    private static void checkClass(String cls, String split, String where, SourceFiles.Line line,
                                   Map<String, String> splitOfClass, Map<String, String> whereOfClass) {
        String other = splitOfClass.putIfAbsent(cls, split);
        if (other == null) {
            whereOfClass.put(cls, where + " line " + line.number());
        } else if (!other.equals(split)) {
            throw new DatasetFormatException(where, line.offset(), "line " + line.number() + ": class " + cls
                    + " is in the " + split + " split but already in the " + other + " split ("
                    + whereOfClass.get(cls) + ")");
        }
    }
}
