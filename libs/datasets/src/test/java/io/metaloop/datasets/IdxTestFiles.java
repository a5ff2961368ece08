package io.metaloop.datasets;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes idx files byte by byte from the published format (LeCun et al.), independently of
 * {@link IdxReader}: a big-endian int32 magic {@code 0x00 0x00 type ndims} with type 0x08 for
 * unsigned bytes, {@code ndims} big-endian int32 sizes, then the data.
 */
public final class IdxTestFiles {
    static final int IMAGES = 5;
    static final int ROWS = 3;
    static final int COLS = 4;
    /** Labels of the 5 test images; 255 checks the label byte is read as unsigned. */
    static final int[] LABELS = {3, 0, 9, 7, 255};

    private IdxTestFiles() {
    }

    /** Pixel of image i at (r, c); covers values above 127 so signedness bugs show. */
    static int pixel(int i, int r, int c) {
        return (i * 53 + r * 17 + c * 29 + 100) & 0xFF;
    }

    /** The 5×3×4 images in image-major, row-major order, computed from {@link #pixel}. */
    static byte[] expectedPixels() {
        byte[] px = new byte[IMAGES * ROWS * COLS];
        int at = 0;
        for (int i = 0; i < IMAGES; i++) {
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < COLS; c++) {
                    px[at++] = (byte) pixel(i, r, c);
                }
            }
        }
        return px;
    }

    /** A valid 3-dimensional idx image file: 16 header bytes, then 60 pixel bytes. */
    public static byte[] imageFile() {
        return imageFile(0x00000803, IMAGES, ROWS, COLS, expectedPixels());
    }

    static byte[] imageFile(int magic, int count, int rows, int cols, byte[] pixels) {
        ByteBuffer buf = ByteBuffer.allocate(16 + pixels.length).order(ByteOrder.BIG_ENDIAN);
        buf.putInt(magic).putInt(count).putInt(rows).putInt(cols).put(pixels);
        return buf.array();
    }

    /** A valid 1-dimensional idx label file: 8 header bytes, then one byte per label. */
    static byte[] labelFile() {
        return labelFile(0x00000801, LABELS.length, LABELS);
    }

    public static byte[] labelFile(int magic, int count, int[] labels) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DataOutputStream data = new DataOutputStream(out); // DataOutputStream is big-endian
            data.writeInt(magic);
            data.writeInt(count);
            for (int label : labels) {
                data.writeByte(label);
            }
            data.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] gzip(byte[] raw) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(raw);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path dir, String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
