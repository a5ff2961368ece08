package io.metaloop.datasets;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;

/**
 * Splits every class's images between {@value #TRAIN} and {@value #TEST} at import time, so that both
 * splits hold the same classes: the option {@link ReadOptions#testShare()} ({@code testShare} in an
 * import request, {@code --test-share} on the command line).
 *
 * <p>Why: supervised experiments such as MAXL's train a classifier on some images of each class and
 * test it on the others, but some readers put everything in one split (Omniglot's {@code all}), and
 * {@link ClassSplits} puts whole classes in splits, which is what few-shot learning needs and the
 * opposite of this.
 *
 * <p>The rule, with s the share: image k of a class (k = 0, 1, ..., counted in the order the reader
 * delivers the images of that class, whatever split the reader gave them) goes to {@value #TEST} when
 * {@code floor((k + 1)·s) > floor(k·s)}, else to {@value #TRAIN}. After n images of a class exactly
 * {@code floor(n·s)} are in test, spread evenly rather than bunched at the start or the end: with
 * s = 0.25, Omniglot's 20 drawers of a character (read in drawer order) send drawers 4, 8, 12, 16 and 20
 * to test; with s = 0.3, positions 3, 6, 9, 13, 16 and 19. s is taken as the decimal that
 * {@link Double#toString} writes (0.3 is exactly 3/10, not the binary fraction just below it) and the
 * products are exact, so the split does not depend on rounding. It is decided image by image as the
 * reader streams (nothing is buffered; only a counter per class is kept), and it is deterministic
 * because every reader delivers a dataset's images in a fixed order. Labels and the layout pass on
 * unchanged; the reader's split names are dropped.
 *
 * <p>Errors: a share outside (0, 1) is refused ({@link IllegalArgumentException} naming
 * {@code testShare}), and so is combining it with class splits (by {@link ReadOptions}). An unlabelled
 * image (primary label -1, e.g. STL-10's {@code unlabeled} split) has no class to be counted in, so it
 * fails the import with a {@link DatasetFormatException} naming the source, the reader's split and
 * {@code testShare}.
 */
public final class TestShareSplits {
    public static final String TRAIN = "train";
    public static final String TEST = "test";

    private final BigDecimal share;
    private final String source;

    /**
     * @param share  the share of each class's images that goes to {@value #TEST}, in (0, 1)
     * @param source the dataset being read, named by errors
     */
    public TestShareSplits(double share, String source) {
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("testShare must be a fraction strictly between 0 and 1, got " + share);
        }
        this.share = BigDecimal.valueOf(share);
        this.source = source;
    }

    /**
     * The sink readers write to: {@code sink} wrapped with {@link #route} when the options give a test
     * share, else {@code sink} itself.
     */
    public static ImageSink apply(ReadOptions options, Path source, ImageSink sink) {
        if (options.testShare().isEmpty()) {
            return sink;
        }
        return new TestShareSplits(options.testShare().getAsDouble(), source.toString()).route(sink);
    }

    public double share() {
        return share.doubleValue();
    }

    /** Whether image {@code k} (0-based) of a class goes to {@value #TEST}. */
    public boolean isTest(long k) {
        if (k < 0) {
            throw new IllegalArgumentException("position " + k + " < 0");
        }
        return floorTimes(k + 1) > floorTimes(k);
    }

    /** floor(n·s), exactly. */
    private long floorTimes(long n) {
        return share.multiply(BigDecimal.valueOf(n)).setScale(0, RoundingMode.FLOOR).longValueExact();
    }

    /**
     * A sink that passes the layout on unchanged and each image, labels unchanged, to {@value #TRAIN} or
     * {@value #TEST} by its position among the images of its primary class (see the class comment).
     */
    public ImageSink route(ImageSink downstream) {
        return new ImageSink() {
            private long[] seen;

            @Override
            public void layout(DatasetLayout layout) {
                seen = new long[layout.levels().get(0).classes().size()];
                downstream.layout(layout);
            }

            @Override
            public void image(String split, byte[] pixels, int[] labels) {
                if (seen == null) {
                    throw new IllegalStateException("image before layout");
                }
                if (labels.length == 0 || labels[0] < -1 || labels[0] >= seen.length) {
                    throw new IllegalArgumentException("primary label " + (labels.length == 0 ? "missing" : labels[0])
                            + " outside the " + seen.length + " classes of the layout");
                }
                if (labels[0] == -1) {
                    throw new DatasetFormatException(source, 0, "split '" + split + "' has unlabelled images (label -1);"
                            + " testShare divides each class's images between '" + TRAIN + "' and '" + TEST
                            + "' and cannot place an image without a class: import without testShare");
                }
                long k = seen[labels[0]]++;
                downstream.image(isTest(k) ? TEST : TRAIN, pixels, labels);
            }
        };
    }
}
