package io.metaloop.learning.eval;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The stored form of a split's features ({@link LinearEvaluation.Features}), for the object
 * store's feature cache. Little-endian: magic {@code MLFT}, version 1 (int32), count n (int32),
 * width F (int32), n labels (int32), n·F features (float32, row-major), then the CRC32C of every
 * byte before it (int32). A file that is short, long, of another version or corrupted is refused
 * with the byte offset at fault.
 */
public final class FeatureFile {
    private static final int MAGIC = 0x54464C4D; // "MLFT" little-endian
    private static final int VERSION = 1;
    private static final int HEADER = 16;

    private FeatureFile() {
    }

    public static byte[] encode(LinearEvaluation.Features features) {
        int n = features.count();
        int width = features.width();
        float[] values = Nd4j.toFlattened('c', features.values()).toFloatVector();
        ByteBuffer out = ByteBuffer.allocate(HEADER + 4 * n + 4 * values.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(VERSION).putInt(n).putInt(width);
        for (int label : features.labels()) {
            out.putInt(label);
        }
        for (float v : values) {
            out.putFloat(v);
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    /** @throws IllegalArgumentException naming the byte offset of the first problem */
    public static LinearEvaluation.Features decode(byte[] bytes) {
        if (bytes.length < HEADER + 4) {
            throw new IllegalArgumentException("feature file of " + bytes.length + " bytes is shorter than its "
                    + (HEADER + 4) + "-byte header and checksum");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (in.getInt(0) != MAGIC) {
            throw new IllegalArgumentException("byte 0: not a feature file (bad magic)");
        }
        if (in.getInt(4) != VERSION) {
            throw new IllegalArgumentException("byte 4: feature file version " + in.getInt(4) + ", this reader knows " + VERSION);
        }
        int n = in.getInt(8);
        int width = in.getInt(12);
        long expected = HEADER + 4L * n + 4L * n * width + 4;
        if (n < 1 || width < 1 || expected != bytes.length) {
            throw new IllegalArgumentException("byte 8: " + n + " rows of " + width + " features need " + expected
                    + " bytes, the file has " + bytes.length);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != in.getInt(bytes.length - 4)) {
            throw new IllegalArgumentException("byte " + (bytes.length - 4) + ": checksum mismatch, the file is corrupted");
        }
        in.position(HEADER);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = in.getInt();
        }
        float[] values = new float[n * width];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.getFloat();
        }
        return new LinearEvaluation.Features(Nd4j.create(values, new long[] {n, width}, 'c'), labels);
    }
}
