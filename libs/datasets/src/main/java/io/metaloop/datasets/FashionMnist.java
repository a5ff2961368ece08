package io.metaloop.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017) from its four idx files, gzipped or not. */
public final class FashionMnist {
    public static final String NAME = "fashion-mnist";
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {
    }

    /**
     * Reads {@code train} and {@code test} from a directory holding the idx files.
     *
     * @throws DatasetFormatException naming the file and byte offset of anything malformed, or the folder
     *                                when one of the four files is missing
     */
    public static Map<String, SplitData> read(Path dir) throws IOException {
        Path trainLabels = find(dir, "train-labels-idx1-ubyte");
        Path testLabels = find(dir, "t10k-labels-idx1-ubyte");
        SplitData train = IdxReader.readImagesAndLabels(find(dir, "train-images-idx3-ubyte"), trainLabels);
        SplitData test = IdxReader.readImagesAndLabels(find(dir, "t10k-images-idx3-ubyte"), testLabels);
        checkLabels(trainLabels, train);
        checkLabels(testLabels, test);
        return Map.of("train", train, "test", test);
    }

    /** Label i sits at byte 8 + i of the (uncompressed) idx label file. */
    private static void checkLabels(Path file, SplitData split) {
        int[] labels = split.labels();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= CLASSES.size()) {
                throw new DatasetFormatException(file.getFileName().toString(), 8L + i,
                        "label " + labels[i] + " outside the 10 Fashion-MNIST classes");
            }
        }
    }

    /** A file missing from the folder (or a source that is no folder) is a malformed dataset, named as such. */
    private static Path find(Path dir, String base) {
        if (!Files.isDirectory(dir)) {
            throw new DatasetFormatException(dir.toString(), 0, "not a folder: the idx formats read a folder holding "
                    + "the four idx files (e.g. " + base + ".gz)");
        }
        for (String name : List.of(base + ".gz", base)) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new DatasetFormatException(dir.toString(), 0, "no " + base + " or " + base + ".gz in the folder");
    }
}
