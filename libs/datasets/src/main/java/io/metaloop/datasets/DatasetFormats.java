package io.metaloop.datasets;

import io.metaloop.datasets.formats.Cifar100Reader;
import io.metaloop.datasets.formats.Cifar10Reader;
import io.metaloop.datasets.formats.CifarFsReader;
import io.metaloop.datasets.formats.Fc100Reader;
import io.metaloop.datasets.formats.IdxReader;
import io.metaloop.datasets.formats.ImageFolderReader;
import io.metaloop.datasets.formats.MiniImageNetReader;
import io.metaloop.datasets.formats.OmniglotReader;
import io.metaloop.datasets.formats.SlimageNet64Reader;
import io.metaloop.datasets.formats.Stl10Reader;
import io.metaloop.datasets.formats.TieredImageNetReader;
import io.metaloop.datasets.formats.TinyImageNetReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every dataset format MetaLoop reads, by the name an import uses. */
public final class DatasetFormats {
    private static final Map<String, DatasetReader> BY_NAME = byName(List.of(IdxReader.fashionMnist(), IdxReader.mnist(), new Cifar10Reader(),
                new Cifar100Reader(), new Stl10Reader(), new OmniglotReader(), new TinyImageNetReader(),
                new ImageFolderReader(), new SlimageNet64Reader(), new MiniImageNetReader(), new TieredImageNetReader(),
                new CifarFsReader(), new Fc100Reader()));

    private static Map<String, DatasetReader> byName(List<DatasetReader> readers) {
        Map<String, DatasetReader> map = new LinkedHashMap<>();
        readers.forEach(r -> map.put(r.format(), r));
        return java.util.Collections.unmodifiableMap(map);
    }

    private DatasetFormats() {
    }

    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    public static DatasetReader reader(String format) {
        DatasetReader reader = BY_NAME.get(format);
        if (reader == null) {
            throw new IllegalArgumentException("unknown format '" + format + "'; known: " + names());
        }
        return reader;
    }

    /**
     * Reads a dataset, adding the levels of {@link ReadOptions#hierarchyFile()} and routing images to the
     * splits of {@link ReadOptions#classSplits()} or, with {@link ReadOptions#testShare()}, to train and
     * test within each class ({@link TestShareSplits}), when those are given. Both files are read before
     * the dataset, so a missing or malformed one fails the import before any image is read.
     */
    public static void read(String format, Path source, ReadOptions options, ImageSink sink) throws IOException {
        reader(format).read(source, options, LabelHierarchy.apply(options,
                ClassSplits.apply(options, TestShareSplits.apply(options, source, sink))));
    }
}
