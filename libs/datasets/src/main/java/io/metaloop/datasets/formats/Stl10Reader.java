package io.metaloop.datasets.formats;

import io.metaloop.datasets.DatasetFormatException;
import io.metaloop.datasets.DatasetLayout;
import io.metaloop.datasets.DatasetReader;
import io.metaloop.datasets.ImageSink;
import io.metaloop.datasets.LabelLevel;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.datasets.formats.Cifar10Reader.PublishedFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * STL-10 (Coates, Lee &amp; Ng 2011), binary version: {@code stl10_binary.tar.gz}, which unpacks to
 * {@code stl10_binary/} holding {@code train_X.bin}, {@code train_y.bin}, {@code test_X.bin},
 * {@code test_y.bin}, {@code unlabeled_X.bin} and {@code class_names.txt} (ten names, one a line).
 *
 * <p>An X file is a sequence of 27,648-byte images, 3×96×96 uint8, channel-major, each 96×96 plane stored
 * column by column (the transpose of row-major, as MATLAB writes them); the reader transposes every plane
 * to the row-major order {@link ImageSink} wants. A y file holds one byte per image of its X file, labels
 * 1…10, which become 0…9. Splits: "train" (5,000 images in the published data), "test" (8,000) and
 * "unlabeled" (100,000, label -1).
 *
 * <p>Images are streamed one at a time (the unlabeled file is 2.7 GB). A first pass over the source checks
 * every size and label before the first image reaches the sink; a second pass per X file streams it.
 */
public final class Stl10Reader implements DatasetReader {
    public static final String FORMAT = "stl10";
    static final int SIDE = 96;
    static final int PLANE = SIDE * SIDE;
    static final int IMAGE = 3 * PLANE;
    static final int CLASSES = 10;
    static final String CLASS_NAMES = "class_names.txt";
    /** Split name → its X file and its y file (none for "unlabeled"), in the order the splits are read. */
    private static final List<List<String>> SPLITS = List.of(
            List.of("train", "train_X.bin", "train_y.bin"),
            List.of("test", "test_X.bin", "test_y.bin"),
            List.of("unlabeled", "unlabeled_X.bin"));

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public void read(Path source, ReadOptions options, ImageSink sink) throws IOException {
        PublishedFiles files = new PublishedFiles(source, options);
        Map<String, byte[]> labelFiles = new HashMap<>();
        Map<String, Long> imageCounts = new HashMap<>();
        Map<String, List<String>> names = new HashMap<>();
        Set<String> wanted = new java.util.HashSet<>(Set.of(CLASS_NAMES));
        for (List<String> split : SPLITS) {
            wanted.addAll(split.subList(1, split.size()));
        }
        // pass 1: sizes, labels and class names; the image bytes are only skipped over
        files.index(wanted, (base, entry, size, in) -> {
            String where = files.where(entry);
            if (base.equals(CLASS_NAMES)) {
                names.put(base, PublishedFiles.classNames(where, PublishedFiles.readSmall(where, size, in), CLASSES));
            } else if (base.endsWith("_y.bin")) {
                byte[] labels = PublishedFiles.readSmall(where, size, in);
                for (int i = 0; i < labels.length; i++) {
                    int label = labels[i] & 0xFF;
                    if (label < 1 || label > CLASSES) {
                        throw new DatasetFormatException(where, i, "label " + label + " is not an STL-10 class (1–10)");
                    }
                }
                labelFiles.put(base, labels);
            } else {
                long bytes = size;
                if (!files.isDirectory() || size < 0) {
                    bytes = PublishedFiles.drain(where, size, in);
                }
                if (bytes == 0) {
                    throw new DatasetFormatException(where, 0, "is empty");
                }
                if (bytes % IMAGE != 0) {
                    throw new DatasetFormatException(where, bytes - bytes % IMAGE, "size " + bytes
                            + " is not a multiple of the " + IMAGE + "-byte 3×96×96 image: " + bytes / IMAGE
                            + " whole images, then " + bytes % IMAGE + " bytes");
                }
                imageCounts.put(base, bytes / IMAGE);
            }
        });
        files.require(CLASS_NAMES);
        for (List<String> split : SPLITS) {
            String images = split.get(1);
            files.require(images);
            if (split.size() > 2) {
                String labels = split.get(2);
                String where = files.where(files.require(labels));
                long count = imageCounts.get(images);
                int have = labelFiles.get(labels).length;
                if (have != count) {
                    throw new DatasetFormatException(where, Math.min(have, count), "holds " + have + " labels but "
                            + images + " holds " + count + " images");
                }
            }
        }
        ImageSink out = sink;
        out.layout(new DatasetLayout(3, SIDE, SIDE, List.of(new LabelLevel("class", names.get(CLASS_NAMES)))));
        // pass 2: one X file at a time, one image at a time
        for (List<String> split : SPLITS) {
            String name = split.get(0);
            byte[] labels = split.size() > 2 ? labelFiles.get(split.get(2)) : null;
            files.stream(split.get(1), (base, entry, size, in) -> {
                String where = files.where(entry);
                long expected = imageCounts.get(base);
                PublishedFiles.records(where, size, in, IMAGE, (offset, record) -> {
                    long index = offset / IMAGE;
                    if (index >= expected) {
                        throw new DatasetFormatException(where, offset, "holds more images than on the first pass ("
                                + expected + ")");
                    }
                    int label = labels == null ? -1 : (labels[(int) index] & 0xFF) - 1;
                    out.image(name, rowMajor(record), new int[] {label});
                });
            });
        }
    }

    /** The image with each column-major 96×96 plane transposed to row-major. */
    static byte[] rowMajor(byte[] columnMajor) {
        byte[] pixels = new byte[IMAGE];
        for (int c = 0; c < 3; c++) {
            int plane = c * PLANE;
            for (int x = 0; x < SIDE; x++) {
                int column = plane + x * SIDE;
                for (int y = 0; y < SIDE; y++) {
                    pixels[plane + y * SIDE + x] = columnMajor[column + y];
                }
            }
        }
        return pixels;
    }
}
