package io.metaloop.datasets.formats;

/**
 * mini-ImageNet (Ravi &amp; Larochelle 2017): {@code train.csv}, {@code val.csv}, {@code test.csv}
 * ({@code filename,label}) over a flat {@code images/} folder; 64/16/20 classes of 600 images in the
 * published split.
 * See {@link ClassSplitReader} for the layout, the output and the errors.
 */
public final class MiniImageNetReader extends ClassSplitReader {
    public static final String FORMAT = "mini-imagenet";

    public MiniImageNetReader() {
        super(FORMAT, Kind.CSV);
    }
}
