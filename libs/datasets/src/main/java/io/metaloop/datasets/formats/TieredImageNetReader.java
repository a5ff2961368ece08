package io.metaloop.datasets.formats;

/**
 * tiered-ImageNet (Ren et al. 2018) as an image tree: {@code train.txt}, {@code val.txt},
 * {@code test.txt} (one class folder a line) over {@code <root>/<class>/<image>}; 351/97/160 classes
 * in the published split.
 * See {@link ClassSplitReader} for the layout, the output and the errors.
 */
public final class TieredImageNetReader extends ClassSplitReader {
    public static final String FORMAT = "tiered-imagenet";

    public TieredImageNetReader() {
        super(FORMAT, Kind.CLASS_LIST);
    }
}
