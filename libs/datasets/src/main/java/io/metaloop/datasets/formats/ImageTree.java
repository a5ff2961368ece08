package io.metaloop.datasets.formats;

import io.metaloop.datasets.Archive;
import io.metaloop.datasets.DatasetFormatException;
import io.metaloop.datasets.ImageSink;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Decoding and emitting the images of folder-based formats, shared by the readers of this package. */
final class ImageTree {
    private ImageTree() {
    }

    /** Target height and width. */
    record Shape(int height, int width) {
    }

    /**
     * The shape images are emitted at: {@code imageSize×imageSize} when {@code imageSize > 0};
     * otherwise the size every image already has (read from the headers), or an error when they differ.
     */
    static Shape shape(Path source, Archive archive, Set<String> entries, int imageSize, String format) throws IOException {
        if (imageSize > 0) {
            return new Shape(imageSize, imageSize);
        }
        ImageDecoding.Size[] first = new ImageDecoding.Size[1];
        String[] firstName = new String[1];
        archive.forEach(entries::contains, (name, size, in) -> {
            String where = SourceFiles.where(source, name);
            ImageDecoding.Size s = ImageDecoding.size(SourceFiles.readWhole(where, size, in), where);
            if (first[0] == null) {
                first[0] = s;
                firstName[0] = name;
            } else if (!first[0].equals(s)) {
                throw new DatasetFormatException(SourceFiles.where(source, name), 0, "is " + s.width() + "×"
                        + s.height() + " but " + firstName[0] + " is " + first[0].width() + "×" + first[0].height()
                        + "; images of different sizes need an image size to resize them to (" + format + ")");
            }
        });
        if (first[0] == null) {
            throw new DatasetFormatException(source.toString(), 0, "no images found");
        }
        return new Shape(first[0].height(), first[0].width());
    }

    /**
     * Decodes, resizes when needed, and emits the given entries of one split in archive order
     * (directories: sorted path order).
     *
     * @param labels entry name → label (one level)
     */
    static void emit(Path source, Archive archive, String split, Map<String, Integer> labels, int channels, Shape shape,
                     ImageSink sink) throws IOException {
        Set<String> seen = new HashSet<>();
        archive.forEach(labels::containsKey, (name, size, in) -> {
            if (!seen.add(name)) {
                throw new DatasetFormatException(SourceFiles.where(source, name), 0, "appears twice in the archive");
            }
            String where = SourceFiles.where(source, name);
            ImageDecoding.Pixels p = ImageDecoding.decode(SourceFiles.readWhole(where, size, in), channels, where);
            if (p.height() != shape.height() || p.width() != shape.width()) {
                p = ImageDecoding.resize(p, shape.height(), shape.width());
            }
            sink.image(split, p.pixels(), new int[] {labels.get(name)});
        });
        if (seen.size() != labels.size()) {
            Set<String> missing = new TreeSet<>(labels.keySet());
            missing.removeAll(seen);
            throw new DatasetFormatException(SourceFiles.where(source, missing.iterator().next()), 0,
                    "listed but could not be read again (" + missing.size() + " files missing)");
        }
    }
}
