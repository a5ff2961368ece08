package io.metaloop.datasets;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Choices a reader may need.
 *
 * @param imageSize      side length images are resized to by formats whose images vary in size or are
 *                       usually downscaled (Omniglot, ImageFolder trees); 0 keeps the native size where
 *                       every image has the same one
 * @param rotations      Omniglot: add each character rotated by 90°, 180° and 270° as three new classes
 * @param splitFiles     ImageFolder-based formats: the directory holding their class-split files
 * @param hierarchyFile  a user-supplied label hierarchy (see {@link LabelHierarchy})
 * @param classSplits    a JSON file that assigns the primary classes to splits by name prefix, replacing
 *                       the reader's splits (see {@link ClassSplits})
 * @param testShare      a fraction in (0, 1): every class's images are divided between splits
 *                       {@code train} and {@code test}, about this share of each class in {@code test},
 *                       replacing the reader's splits (see {@link TestShareSplits}); not with classSplits
 * @param maxInflatedBytes bytes an archive may decompress to in one read pass ({@link Archive}); more is
 *                       refused as a decompression bomb. Default {@link #DEFAULT_MAX_INFLATED_BYTES}
 */
public record ReadOptions(int imageSize, boolean rotations, Optional<Path> splitFiles, Optional<Path> hierarchyFile,
                          Optional<Path> classSplits, OptionalDouble testShare, long maxInflatedBytes) {
    /**
     * The default bound on the bytes an archive may decompress to in one read pass: 64 GiB, above the
     * largest seed dataset (tieredImageNet's pickles); a decompression bomb stops there (see {@link Archive}).
     */
    public static final long DEFAULT_MAX_INFLATED_BYTES = 64L << 30;
    public static final ReadOptions DEFAULTS = new ReadOptions(0, false, Optional.empty(), Optional.empty(),
            Optional.empty(), OptionalDouble.empty(), DEFAULT_MAX_INFLATED_BYTES);

    public ReadOptions {
        if (maxInflatedBytes < 1) {
            throw new IllegalArgumentException("maxInflatedBytes must be positive, got " + maxInflatedBytes);
        }
        if (imageSize < 0 || imageSize > 1024) {
            throw new IllegalArgumentException("imageSize must be in [0, 1024], got " + imageSize);
        }
        if (testShare.isPresent()) {
            double s = testShare.getAsDouble();
            if (!(s > 0 && s < 1)) {
                throw new IllegalArgumentException("testShare must be a fraction strictly between 0 and 1 (the share of"
                        + " each class's images put in split 'test', e.g. 0.25), got " + s);
            }
            if (classSplits.isPresent()) {
                throw new IllegalArgumentException("testShare and classSplits cannot be combined: classSplits puts each"
                        + " class in one split, testShare divides every class's images between 'train' and 'test';"
                        + " give one of them");
            }
        }
    }

    public ReadOptions withImageSize(int size) {
        return new ReadOptions(size, rotations, splitFiles, hierarchyFile, classSplits, testShare, maxInflatedBytes);
    }

    public ReadOptions withRotations(boolean rotate) {
        return new ReadOptions(imageSize, rotate, splitFiles, hierarchyFile, classSplits, testShare, maxInflatedBytes);
    }

    public ReadOptions withSplitFiles(Path dir) {
        return new ReadOptions(imageSize, rotations, Optional.of(dir), hierarchyFile, classSplits, testShare, maxInflatedBytes);
    }

    public ReadOptions withHierarchyFile(Path file) {
        return new ReadOptions(imageSize, rotations, splitFiles, Optional.of(file), classSplits, testShare, maxInflatedBytes);
    }

    /** These options with a class-splits file (see {@link ClassSplits}). */
    public ReadOptions withClassSplits(Path file) {
        return new ReadOptions(imageSize, rotations, splitFiles, hierarchyFile, Optional.of(file), testShare, maxInflatedBytes);
    }

    /** These options with every class's images divided between train and test (see {@link TestShareSplits}). */
    public ReadOptions withTestShare(double share) {
        return new ReadOptions(imageSize, rotations, splitFiles, hierarchyFile, classSplits, OptionalDouble.of(share), maxInflatedBytes);
    }

    /** These options with another bound on an archive's decompressed bytes per read pass. */
    public ReadOptions withMaxInflatedBytes(long bytes) {
        return new ReadOptions(imageSize, rotations, splitFiles, hierarchyFile, classSplits, testShare, bytes);
    }
}
