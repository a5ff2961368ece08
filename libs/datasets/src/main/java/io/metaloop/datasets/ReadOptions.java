package io.metaloop.datasets;

import java.nio.file.Path;
import java.util.Optional;

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
 */
public record ReadOptions(int imageSize, boolean rotations, Optional<Path> splitFiles, Optional<Path> hierarchyFile,
                          Optional<Path> classSplits) {
    public static final ReadOptions DEFAULTS = new ReadOptions(0, false, Optional.empty(), Optional.empty(),
            Optional.empty());

    public ReadOptions {
        if (imageSize < 0 || imageSize > 1024) {
            throw new IllegalArgumentException("imageSize must be in [0, 1024], got " + imageSize);
        }
    }

    public ReadOptions withImageSize(int size) {
        return new ReadOptions(size, rotations, splitFiles, hierarchyFile, classSplits);
    }

    public ReadOptions withRotations(boolean rotate) {
        return new ReadOptions(imageSize, rotate, splitFiles, hierarchyFile, classSplits);
    }

    public ReadOptions withSplitFiles(Path dir) {
        return new ReadOptions(imageSize, rotations, Optional.of(dir), hierarchyFile, classSplits);
    }

    public ReadOptions withHierarchyFile(Path file) {
        return new ReadOptions(imageSize, rotations, splitFiles, Optional.of(file), classSplits);
    }

    /** These options with a class-splits file (see {@link ClassSplits}). */
    public ReadOptions withClassSplits(Path file) {
        return new ReadOptions(imageSize, rotations, splitFiles, hierarchyFile, Optional.of(file));
    }
}
