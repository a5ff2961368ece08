package io.metaloop.datasets.formats;

import io.metaloop.datasets.Archive;
import io.metaloop.datasets.DatasetFormatException;
import io.metaloop.datasets.DatasetLayout;
import io.metaloop.datasets.DatasetReader;
import io.metaloop.datasets.ImageSink;
import io.metaloop.datasets.LabelLevel;
import io.metaloop.datasets.ReadOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tiny ImageNet (Stanford CS231N): {@code tiny-imagenet-200.zip}, or the folder it unpacks to, holding
 * <pre>
 * tiny-imagenet-200/wnids.txt                         the 200 WordNet ids, one a line (label order)
 * tiny-imagenet-200/words.txt                         wnid TAB comma-separated names (all of WordNet)
 * tiny-imagenet-200/train/&lt;wnid&gt;/images/&lt;wnid&gt;_&lt;n&gt;.JPEG  500 per class
 * tiny-imagenet-200/val/images/val_&lt;n&gt;.JPEG          10,000
 * tiny-imagenet-200/val/val_annotations.txt           file TAB wnid TAB x0 TAB y0 TAB x1 TAB y1
 * tiny-imagenet-200/test/images/test_&lt;n&gt;.JPEG        unlabeled: not read
 * </pre>
 * The top folder may be missing or have another name: the shallowest {@code wnids.txt} marks the root.
 *
 * <p>Output: RGB, 64×64 (or {@code options.imageSize()}, area-averaged/bilinear, see
 * {@link ImageDecoding#resize}); one label level {@value #LEVEL} in {@code wnids.txt} order, each class
 * named by the first of its {@code words.txt} names (the text before the first comma; where two classes
 * would share a name, both get their wnid appended in parentheses); splits {@code train} then {@code val},
 * each in archive order. Bounding boxes are not imported.
 */
public final class TinyImageNetReader implements DatasetReader {
    public static final String FORMAT = "tiny-imagenet";
    public static final String LEVEL = "class";
    public static final int NATIVE_SIZE = 64;

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public void read(Path source, ReadOptions options, ImageSink sink) throws IOException {
        Archive archive = SourceFiles.open(source, options);
        List<String> files = SourceFiles.files(archive);
        String root = null;
        for (String f : files) {
            if ((f.equals("wnids.txt") || f.endsWith("/wnids.txt")) && !SourceFiles.ignored(f)) {
                String prefix = f.substring(0, f.length() - "wnids.txt".length());
                if (root == null || prefix.length() < root.length()) {
                    root = prefix;
                }
            }
        }
        if (root == null) {
            throw new DatasetFormatException(source.toString(), 0, "no wnids.txt: not a Tiny ImageNet archive");
        }
        String wnidsName = root + "wnids.txt";
        String wordsName = root + "words.txt";
        String annotationsName = root + "val/val_annotations.txt";
        Map<String, byte[]> text = SourceFiles.read(archive, Set.of(wnidsName, wordsName, annotationsName));
        for (String required : List.of(wordsName, annotationsName)) {
            if (!text.containsKey(required)) {
                throw new DatasetFormatException(SourceFiles.where(source, required), 0, "missing");
            }
        }

        // wnids.txt: the classes, in label order
        Map<String, Integer> labelOf = new LinkedHashMap<>();
        String wnidsWhere = SourceFiles.where(source, wnidsName);
        for (SourceFiles.Line line : SourceFiles.lines(text.get(wnidsName), wnidsWhere)) {
            String wnid = line.text().trim();
            if (wnid.isEmpty()) {
                continue;
            }
            if (labelOf.putIfAbsent(wnid, labelOf.size()) != null) {
                throw new DatasetFormatException(wnidsWhere, line.offset(), "line " + line.number() + ": wnid "
                        + wnid + " listed twice");
            }
        }
        if (labelOf.isEmpty()) {
            throw new DatasetFormatException(wnidsWhere, 0, "lists no wnids");
        }

        // words.txt: names
        Map<String, String> firstName = new HashMap<>();
        String wordsWhere = SourceFiles.where(source, wordsName);
        for (SourceFiles.Line line : SourceFiles.lines(text.get(wordsName), wordsWhere)) {
            if (line.text().isBlank()) {
                continue;
            }
            int tab = line.text().indexOf('\t');
            if (tab < 0) {
                throw new DatasetFormatException(wordsWhere, line.offset(), "line " + line.number()
                        + ": expected wnid<TAB>names, found no tab");
            }
            String wnid = line.text().substring(0, tab).trim();
            if (labelOf.containsKey(wnid)) {
                String names = line.text().substring(tab + 1);
                int comma = names.indexOf(',');
                String name = (comma < 0 ? names : names.substring(0, comma)).trim();
                if (name.isEmpty()) {
                    throw new DatasetFormatException(wordsWhere, line.offset(), "line " + line.number()
                            + ": no name for " + wnid);
                }
                firstName.put(wnid, name);
            }
        }
        List<String> classes = new ArrayList<>();
        Map<String, Integer> nameCounts = new HashMap<>();
        for (String wnid : labelOf.keySet()) {
            String name = firstName.get(wnid);
            if (name == null) {
                throw new DatasetFormatException(wordsWhere, 0, "has no line for wnid " + wnid + " of wnids.txt");
            }
            nameCounts.merge(name, 1, Integer::sum);
        }
        for (String wnid : labelOf.keySet()) {
            String name = firstName.get(wnid);
            classes.add(nameCounts.get(name) > 1 ? name + " (" + wnid + ")" : name);
        }

        // train/<wnid>/images/<file>
        Map<String, Integer> train = new LinkedHashMap<>();
        Map<String, Integer> valFiles = new LinkedHashMap<>();
        int[] perClass = new int[labelOf.size()];
        String trainPrefix = root + "train/";
        String valPrefix = root + "val/images/";
        for (String f : files) {
            if (!SourceFiles.isImage(f)) {
                continue;
            }
            if (f.startsWith(trainPrefix)) {
                String[] parts = SourceFiles.parts(f.substring(trainPrefix.length()));
                if (parts.length != 3 || !parts[1].equals("images")) {
                    continue;
                }
                Integer label = labelOf.get(parts[0]);
                if (label == null) {
                    throw new DatasetFormatException(SourceFiles.where(source, f), 0, "training image of wnid "
                            + parts[0] + ", which wnids.txt does not list");
                }
                train.put(f, label);
                perClass[label]++;
            } else if (f.startsWith(valPrefix) && f.indexOf('/', valPrefix.length()) < 0) {
                valFiles.put(f.substring(valPrefix.length()), -1);
            }
        }
        for (var e : labelOf.entrySet()) {
            if (perClass[e.getValue()] == 0) {
                throw new DatasetFormatException(SourceFiles.where(source, trainPrefix + e.getKey() + "/images/"), 0,
                        "missing: no training images for wnid " + e.getKey());
            }
        }

        // val/val_annotations.txt
        String annotationsWhere = SourceFiles.where(source, annotationsName);
        Map<String, Integer> val = new LinkedHashMap<>();
        for (SourceFiles.Line line : SourceFiles.lines(text.get(annotationsName), annotationsWhere)) {
            if (line.text().isBlank()) {
                continue;
            }
            String[] fields = line.text().split("\t", -1);
            String at = "line " + line.number() + ": ";
            if (fields.length < 2) {
                throw new DatasetFormatException(annotationsWhere, line.offset(), at
                        + "expected file<TAB>wnid<TAB>x0<TAB>y0<TAB>x1<TAB>y1");
            }
            for (int k = 2; k < fields.length; k++) {
                try {
                    Integer.parseInt(fields[k].trim());
                } catch (NumberFormatException e) {
                    throw new DatasetFormatException(annotationsWhere, line.offset(), at + "bounding-box field "
                            + (k - 1) + " is not an integer: '" + fields[k] + "'");
                }
            }
            String file = fields[0].trim();
            String wnid = fields[1].trim();
            Integer label = labelOf.get(wnid);
            if (label == null) {
                throw new DatasetFormatException(annotationsWhere, line.offset(), at + "wnid " + wnid
                        + " is not listed in wnids.txt");
            }
            if (!valFiles.containsKey(file)) {
                throw new DatasetFormatException(annotationsWhere, line.offset(), at + "names " + file
                        + ", which is missing from val/images/");
            }
            if (val.put(valPrefix + file, label) != null) {
                throw new DatasetFormatException(annotationsWhere, line.offset(), at + file + " annotated twice");
            }
        }
        for (String file : valFiles.keySet()) {
            if (!val.containsKey(valPrefix + file)) {
                throw new DatasetFormatException(SourceFiles.where(source, valPrefix + file), 0,
                        "has no line in val/val_annotations.txt");
            }
        }

        int side = options.imageSize() > 0 ? options.imageSize() : NATIVE_SIZE;
        ImageTree.Shape shape = new ImageTree.Shape(side, side);
        sink.layout(new DatasetLayout(3, side, side, List.of(new LabelLevel(LEVEL, classes))));
        ImageTree.emit(source, archive, "train", train, 3, shape, sink);
        if (!val.isEmpty()) {
            ImageTree.emit(source, archive, "val", val, 3, shape, sink);
        }
    }
}
