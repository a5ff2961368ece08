package io.metaloop.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The idx format of MNIST and Fashion-MNIST (LeCun et al.), plain or gzip-compressed:
 * a big-endian magic {@code 0x000008NN} (type 0x08 = unsigned byte, NN = number of dimensions),
 * NN big-endian int32 sizes, then the data.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;
    /**
     * The most bytes an idx file may hold, plain or decompressed: over five times the largest MNIST-family
     * file (60,000 images of 28×28, 47 MB), and small enough to read into memory.
     */
    static final int MAX_FILE_BYTES = 256 << 20;

    private IdxReader() {
    }

    /** Images: a 3-dimensional idx file (count, rows, columns). */
    public static SplitData readImagesAndLabels(Path images, Path labels) throws IOException {
        byte[] imageBytes = read(images);
        byte[] labelBytes = read(labels);
        String imageName = images.getFileName().toString();
        String labelName = labels.getFileName().toString();
        int[] imageDims = header(imageName, imageBytes, 3);
        int[] labelDims = header(labelName, labelBytes, 1);
        int count = imageDims[0];
        int rows = imageDims[1];
        int cols = imageDims[2];
        if (labelDims[0] != count) {
            throw new DatasetFormatException(labelName, 4, "holds " + labelDims[0] + " labels but " + imageName
                    + " holds " + count + " images");
        }
        int imageStart = 4 + 4 * 3;
        long pixelCount = (long) count * rows * cols;
        requireLength(imageName, imageBytes, imageStart + pixelCount);
        int labelStart = 4 + 4;
        requireLength(labelName, labelBytes, labelStart + (long) count);
        byte[] pixels = new byte[(int) pixelCount];
        System.arraycopy(imageBytes, imageStart, pixels, 0, pixels.length);
        int[] labelValues = new int[count];
        for (int i = 0; i < count; i++) {
            labelValues[i] = labelBytes[labelStart + i] & 0xFF;
        }
        return new SplitData(count, 1, rows, cols, 1, pixels, labelValues);
    }

    private static void requireLength(String name, byte[] bytes, long expected) {
        if (bytes.length < expected) {
            throw new DatasetFormatException(name, bytes.length, "truncated: header promises " + expected
                    + " bytes, file has " + bytes.length);
        }
        if (bytes.length > expected) {
            throw new DatasetFormatException(name, expected, (bytes.length - expected)
                    + " unexpected bytes after the data the header describes");
        }
    }

    private static int[] header(String name, byte[] bytes, int expectedDims) {
        if (bytes.length < 4) {
            throw new DatasetFormatException(name, bytes.length, "truncated: no idx magic number");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int magic = buf.getInt(0);
        if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xFF) != UNSIGNED_BYTE) {
            throw new DatasetFormatException(name, 0, String.format(
                    "bad idx magic 0x%08X: expected 0x000008%02X (unsigned bytes, %d dimensions)", magic, expectedDims, expectedDims));
        }
        int dims = magic & 0xFF;
        if (dims != expectedDims) {
            throw new DatasetFormatException(name, 3, "has " + dims + " dimensions, expected " + expectedDims);
        }
        if (bytes.length < 4 + 4 * dims) {
            throw new DatasetFormatException(name, bytes.length, "truncated inside the idx header");
        }
        int[] sizes = new int[dims];
        for (int d = 0; d < dims; d++) {
            sizes[d] = buf.getInt(4 + 4 * d);
            if (sizes[d] < 0 || (d > 0 && sizes[d] == 0) || (d > 0 && sizes[d] > 4096)) {
                throw new DatasetFormatException(name, 4 + 4L * d, "implausible size " + sizes[d] + " for dimension " + d);
            }
        }
        return sizes;
    }

    /**
     * Whole file, gunzipped when it starts with the gzip magic; at most {@link #MAX_FILE_BYTES} either way,
     * so that a gzip bomb (a small file inflating past the heap) is refused rather than read into memory.
     */
    static byte[] read(Path file) throws IOException {
        String name = file.getFileName().toString();
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new DatasetFormatException(name, MAX_FILE_BYTES, "is " + size + " bytes, more than the " + MAX_FILE_BYTES
                    + " an idx file may have");
        }
        byte[] raw = Files.readAllBytes(file);
        if (raw.length >= 2 && (raw[0] & 0xFF) == 0x1F && (raw[1] & 0xFF) == 0x8B) {
            PositionedInput compressed = new PositionedInput(raw);
            try (InputStream in = new GZIPInputStream(compressed)) {
                byte[] data = in.readNBytes(MAX_FILE_BYTES + 1);
                if (data.length > MAX_FILE_BYTES) {
                    throw new DatasetFormatException(name, compressed.position(), "decompresses to more than the "
                            + MAX_FILE_BYTES + " bytes an idx file may have");
                }
                return data;
            } catch (java.io.EOFException e) {
                throw new DatasetFormatException(file.getFileName().toString(), raw.length, "gzip stream truncated");
            } catch (java.util.zip.ZipException e) {
                throw new DatasetFormatException(file.getFileName().toString(), compressed.position(),
                        "corrupt gzip stream: " + e.getMessage());
            }
        }
        return raw;
    }

    /** A byte-array stream that tells how far a reader got, for error offsets. */
    private static final class PositionedInput extends java.io.ByteArrayInputStream {
        PositionedInput(byte[] bytes) {
            super(bytes);
        }

        long position() {
            return pos;
        }
    }
}
