package io.metaloop.datasets.formats;

/**
 * FC100 (Oreshkin et al. 2018) as an image tree: {@code train.txt}, {@code val.txt}, {@code test.txt}
 * (one class folder a line) over {@code <root>/<class>/<image>} of 32×32 images; usually 60/20/20
 * CIFAR-100 classes from 12/4/4 superclasses, but the reader takes the class lists it is given.
 * See {@link ClassSplitReader} for the layout, the output and the errors.
 */
public final class Fc100Reader extends ClassSplitReader {
    public static final String FORMAT = "fc100";

    public Fc100Reader() {
        super(FORMAT, Kind.CLASS_LIST);
    }
}
