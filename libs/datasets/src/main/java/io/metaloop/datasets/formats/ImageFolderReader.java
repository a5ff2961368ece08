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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A tree of image files, torchvision {@code ImageFolder} style: {@code <root>/<split>/<class>/<image>}
 * (each top-level folder is a split, e.g. train/val/test), or {@code <root>/<class>/<image>} (one split,
 * {@value #ALL}). Images are PNG, JPEG, BMP or GIF files; other files, hidden files and {@code __MACOSX}
 * are ignored. The source is a folder, a zip or a tar(.gz); when every image sits under one top folder
 * that is not itself a split folder (the usual wrapper folder of an archive), that folder is the root.
 * A wrapper folder named like a split ({@code train}, {@code val}, {@code test}, ...) is taken as a split
 * unless the images lie deeper than {@code split/class/image} under it.
 *
 * <p>Output: RGB, resized to {@code options.imageSize()} squared (see {@link ImageDecoding#resize}); with
 * image size 0 every image must already have the same size, which is kept. One label level
 * {@value #LEVEL}: the class folders of all splits, sorted by name ({@link String#compareTo}), so a class
 * has the same label in every split. Splits in the order train, trainval, val, valid, validation, test,
 * unlabeled, then any others by name; images of a split in archive order (folders: sorted path order).
 */
public class ImageFolderReader implements DatasetReader {
    public static final String FORMAT = "image-folder";
    public static final String LEVEL = "class";
    public static final String ALL = "all";
    static final List<String> SPLIT_ORDER = List.of("train", "trainval", "val", "valid", "validation", "test", "unlabeled");

    private final String format;

    public ImageFolderReader() {
        this(FORMAT);
    }

    /** The same reader registered under another format name (see {@link SlimageNet64Reader}). */
    protected ImageFolderReader(String format) {
        this.format = format;
    }

    @Override
    public String format() {
        return format;
    }

    @Override
    public void read(Path source, ReadOptions options, ImageSink sink) throws IOException {
        Archive archive = SourceFiles.open(source, options);
        List<String> images = new ArrayList<>();
        for (String f : SourceFiles.files(archive)) {
            if (SourceFiles.isImage(f)) {
                images.add(f);
            }
        }
        if (images.isEmpty()) {
            throw new DatasetFormatException(source.toString(), 0, "no images (PNG, JPEG, BMP, GIF) found");
        }
        String root = root(images);
        // split → class → entries
        Map<String, Map<String, List<String>>> tree = new TreeMap<>(Comparator.comparingInt(ImageFolderReader::rank)
                .thenComparing(Comparator.naturalOrder()));
        int depth = -1;
        String depthExample = null;
        for (String f : images) {
            String[] parts = SourceFiles.parts(f.substring(root.length()));
            if (parts.length != 2 && parts.length != 3) {
                throw new DatasetFormatException(SourceFiles.where(source, f), 0, "expected <split>/<class>/<image> "
                        + "or <class>/<image> under " + (root.isEmpty() ? "the root" : root));
            }
            if (depth < 0) {
                depth = parts.length;
                depthExample = f;
            } else if (depth != parts.length) {
                throw new DatasetFormatException(SourceFiles.where(source, f), 0, "mixes layouts: this image is "
                        + (parts.length == 3 ? "<split>/<class>/<image>" : "<class>/<image>") + " but " + depthExample
                        + " is not");
            }
            String split = parts.length == 3 ? parts[0] : ALL;
            String cls = parts[parts.length - 2];
            tree.computeIfAbsent(split, s -> new TreeMap<>()).computeIfAbsent(cls, c -> new ArrayList<>()).add(f);
        }
        Set<String> classSet = new TreeSet<>();
        for (Map<String, List<String>> classes : tree.values()) {
            classSet.addAll(classes.keySet());
        }
        List<String> classes = List.copyOf(classSet);
        Map<String, Integer> labelOf = new HashMap<>();
        for (String c : classes) {
            labelOf.put(c, labelOf.size());
        }
        Set<String> all = new HashSet<>(images);
        ImageTree.Shape shape = ImageTree.shape(source, archive, all, options.imageSize(), format);
        sink.layout(new DatasetLayout(3, shape.height(), shape.width(), List.of(new LabelLevel(LEVEL, classes))));
        for (var split : tree.entrySet()) {
            Map<String, Integer> labels = new LinkedHashMap<>();
            for (var cls : split.getValue().entrySet()) {
                for (String f : cls.getValue()) {
                    labels.put(f, labelOf.get(cls.getKey()));
                }
            }
            ImageTree.emit(source, archive, split.getKey(), labels, 3, shape, sink);
        }
    }

    private static int rank(String split) {
        int i = SPLIT_ORDER.indexOf(split.toLowerCase(Locale.ROOT));
        return i < 0 ? SPLIT_ORDER.size() : i;
    }

    /** Strips wrapper folders that every image shares (see the class comment). */
    static String root(List<String> images) {
        String root = "";
        while (true) {
            String top = null;
            int minDepth = Integer.MAX_VALUE;
            for (String f : images) {
                String rest = f.substring(root.length());
                int slash = rest.indexOf('/');
                String first = slash < 0 ? null : rest.substring(0, slash);
                if (first == null || (top != null && !top.equals(first))) {
                    return root;
                }
                top = first;
                minDepth = Math.min(minDepth, SourceFiles.parts(rest).length);
            }
            boolean splitName = SPLIT_ORDER.contains(top.toLowerCase(Locale.ROOT));
            if (minDepth < 3 || (minDepth == 3 && splitName)) {
                return root;
            }
            root = root + top + "/";
        }
    }
}
