package io.metaloop.datasets.formats;

import io.metaloop.datasets.DatasetFormatException;
import io.metaloop.datasets.DatasetLayout;
import io.metaloop.datasets.DatasetReader;
import io.metaloop.datasets.ImageSink;
import io.metaloop.datasets.LabelLevel;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.datasets.SplitData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * MNIST-family datasets in LeCun's idx format: the four files {@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}
 * (gzipped or not) in a directory. Formats "fashion-mnist" (Zalando's class names) and "mnist"
 * (digits).
 */
public final class IdxReader implements DatasetReader {
    private final String format;
    private final List<String> classes;

    private IdxReader(String format, List<String> classes) {
        this.format = format;
        this.classes = classes;
    }

    public static IdxReader fashionMnist() {
        return new IdxReader("fashion-mnist", io.metaloop.datasets.FashionMnist.CLASSES);
    }

    public static IdxReader mnist() {
        return new IdxReader("mnist", List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
    }

    @Override
    public String format() {
        return format;
    }

    @Override
    public void read(Path source, ReadOptions options, ImageSink sink) throws IOException {
        Map<String, SplitData> splits = io.metaloop.datasets.FashionMnist.read(source);
        SplitData train = splits.get("train");
        sink.layout(new DatasetLayout(1, train.height(), train.width(), List.of(new LabelLevel("class", classes))));
        for (String split : List.of("train", "test")) {
            SplitData data = splits.get(split);
            if (data.height() != train.height() || data.width() != train.width()) {
                throw new DatasetFormatException(source.toString(), 8, split + " images are " + data.height() + "×"
                        + data.width() + ", train images " + train.height() + "×" + train.width());
            }
            int size = data.imageBytes();
            for (int i = 0; i < data.count(); i++) {
                byte[] pixels = java.util.Arrays.copyOfRange(data.pixels(), i * size, (i + 1) * size);
                sink.image(split, pixels, new int[] {data.labels()[i]});
            }
        }
    }
}
