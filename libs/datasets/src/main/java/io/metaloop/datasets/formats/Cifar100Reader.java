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
 * CIFAR-100 (Krizhevsky 2009), binary version: {@code cifar-100-binary.tar.gz}, which unpacks to
 * {@code cifar-100-binary/} holding {@code train.bin} (50,000 records), {@code test.bin} (10,000),
 * {@code fine_label_names.txt} (100 names) and {@code coarse_label_names.txt} (20 names).
 *
 * <p>A record is 3,074 bytes: the coarse label, the fine label, then 3,072 pixel bytes in CIFAR-10's
 * plane order (1,024 red, 1,024 green, 1,024 blue, each 32×32 row-major). Every record's coarse label
 * must be the superclass the standard hierarchy ({@link Cifar100Hierarchy}) gives its fine label.
 *
 * <p>Images get four label levels, primary first: "fine" (100), "coarse" (20), and MAXL's "ten" (10) and
 * "three" (3). Splits: "train", then "test". The source may be the archive or the extracted directory;
 * all is checked before the first image reaches the sink, as for {@link Cifar10Reader}.
 */
public final class Cifar100Reader implements DatasetReader {
    public static final String FORMAT = "cifar100";
    static final int RECORD = 2 + Cifar10Reader.PIXELS;
    static final String TRAIN = "train.bin";
    static final String TEST = "test.bin";
    static final String FINE_NAMES = "fine_label_names.txt";
    static final String COARSE_NAMES = "coarse_label_names.txt";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public void read(Path source, ReadOptions options, ImageSink sink) throws IOException {
        PublishedFiles files = new PublishedFiles(source, options);
        Map<String, List<String>> names = new HashMap<>();
        files.index(Set.of(TRAIN, TEST, FINE_NAMES, COARSE_NAMES), (base, entry, size, in) -> {
            String where = files.where(entry);
            switch (base) {
                case FINE_NAMES -> names.put(base, PublishedFiles.classNames(where, PublishedFiles.readSmall(where, size, in), 100));
                case COARSE_NAMES -> names.put(base, PublishedFiles.classNames(where, PublishedFiles.readSmall(where, size, in), 20));
                default -> PublishedFiles.records(where, size, in, RECORD, (offset, record) -> checkLabels(where, offset, record));
            }
        });
        for (String base : List.of(TRAIN, TEST, FINE_NAMES, COARSE_NAMES)) {
            files.require(base);
        }
        ImageSink out = sink;
        out.layout(new DatasetLayout(3, Cifar10Reader.SIDE, Cifar10Reader.SIDE, List.of(
                new LabelLevel(Cifar100Hierarchy.LEVELS.get(0), names.get(FINE_NAMES)),
                new LabelLevel(Cifar100Hierarchy.LEVELS.get(1), names.get(COARSE_NAMES)),
                new LabelLevel(Cifar100Hierarchy.LEVELS.get(2), Cifar100Hierarchy.TEN_NAMES),
                new LabelLevel(Cifar100Hierarchy.LEVELS.get(3), Cifar100Hierarchy.THREE_NAMES))));
        for (String file : List.of(TRAIN, TEST)) {
            String split = file.equals(TRAIN) ? "train" : "test";
            files.stream(file, (base, entry, size, in) -> {
                String where = files.where(entry);
                PublishedFiles.records(where, size, in, RECORD, (offset, record) -> {
                    checkLabels(where, offset, record);
                    byte[] pixels = new byte[Cifar10Reader.PIXELS];
                    System.arraycopy(record, 2, pixels, 0, pixels.length);
                    out.image(split, pixels, Cifar100Hierarchy.labels(record[1] & 0xFF));
                });
            });
        }
    }

    private static void checkLabels(String where, long offset, byte[] record) {
        int coarse = record[0] & 0xFF;
        int fine = record[1] & 0xFF;
        if (coarse >= 20) {
            throw new DatasetFormatException(where, offset, "coarse label " + coarse + " is not a CIFAR-100 superclass (0–19)");
        }
        if (fine >= 100) {
            throw new DatasetFormatException(where, offset + 1, "fine label " + fine + " is not a CIFAR-100 class (0–99)");
        }
        int expected = Cifar100Hierarchy.coarseOfFine(fine);
        if (coarse != expected) {
            throw new DatasetFormatException(where, offset, "coarse label " + coarse + " ("
                    + Cifar100Hierarchy.COARSE_NAMES.get(coarse) + ") but fine label " + fine + " ("
                    + Cifar100Hierarchy.FINE_NAMES.get(fine) + ") belongs to superclass " + expected + " ("
                    + Cifar100Hierarchy.COARSE_NAMES.get(expected) + ")");
        }
    }
}
