package io.metaloop.datasets.formats;

/**
 * CIFAR-FS (Bertinetto et al. 2019) as an image tree: {@code train.txt}, {@code val.txt},
 * {@code test.txt} (one class folder a line) over {@code <root>/<class>/<image>} of 32×32 images;
 * 64/16/20 CIFAR-100 classes in the published split.
 * See {@link ClassSplitReader} for the layout, the output and the errors.
 */
public final class CifarFsReader extends ClassSplitReader {
    public static final String FORMAT = "cifar-fs";

    public CifarFsReader() {
        super(FORMAT, Kind.CLASS_LIST);
    }
}
