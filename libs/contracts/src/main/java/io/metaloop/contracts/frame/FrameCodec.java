package io.metaloop.contracts.frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Binary frames for batches (and errors) on Kafka and in dataset shards. Version 1 layout,
 * big-endian:
 *
 * <pre>
 * offset size field
 *  0      4   magic "MLBF"
 *  4      1   version (1)
 *  5      1   kind: 1 = image batch, 2 = error
 *  6      2   header length (48)
 *  8      4   epoch
 * 12      8   batch index
 * 20      8   batches in epoch
 * 28      4   image count N
 * 32      2   channels C
 * 34      2   height H
 * 36      2   width W
 * 38      2   label levels L
 * 40      8   payload length P (batch: N·C·H·W + 4·N·L; error: UTF-8 message bytes)
 * 48      P   payload: pixels (uint8) then labels (int32)  |  error message
 * 48+P    4   CRC32C of bytes [0, 48+P)
 * </pre>
 *
 * Decoding checks magic, version, kind and lengths before the checksum, so a truncated frame is
 * reported as such; any other corrupted byte fails the CRC32C (which catches every burst of up
 * to 32 bits).
 */
public final class FrameCodec {
    public static final int MAGIC = 0x4D4C4246; // "MLBF"
    public static final int VERSION = 1;
    public static final int HEADER_LENGTH = 48;
    public static final int TRAILER_LENGTH = 4;
    public static final byte KIND_BATCH = 1;
    public static final byte KIND_ERROR = 2;
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    private FrameCodec() {
    }

    /** A decoded frame: either a batch or an error a producer sent instead of a batch. */
    public sealed interface Decoded permits Batch, Error {
    }

    public record Batch(BatchFrame frame) implements Decoded {
    }

    /** The producer could not serve the request, e.g. an unknown dataset. */
    public record Error(int epoch, long batchIndex, String message) implements Decoded {
    }

    public static byte[] encode(BatchFrame f) {
        long payload = f.pixels().length + 4L * f.labels().length;
        ByteBuffer buf = allocate(payload);
        header(buf, KIND_BATCH, f.epoch(), f.batchIndex(), f.epochBatches(), f.count(), f.channels(), f.height(),
                f.width(), f.labelLevels(), payload);
        buf.put(f.pixels());
        for (int label : f.labels()) {
            buf.putInt(label);
        }
        return seal(buf);
    }

    public static byte[] encodeError(int epoch, long batchIndex, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_ERROR_BYTES) {
            text = java.util.Arrays.copyOf(text, MAX_ERROR_BYTES);
        }
        ByteBuffer buf = allocate(text.length);
        header(buf, KIND_ERROR, epoch, batchIndex, 0, 0, 1, 1, 1, 0, text.length);
        buf.put(text);
        return seal(buf);
    }

    private static ByteBuffer allocate(long payload) {
        long total = HEADER_LENGTH + payload + TRAILER_LENGTH;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("frame of " + total + " bytes is too large");
        }
        return ByteBuffer.allocate((int) total).order(ByteOrder.BIG_ENDIAN);
    }

    private static void header(ByteBuffer buf, byte kind, int epoch, long batchIndex, long epochBatches, int count,
                               int channels, int height, int width, int labelLevels, long payload) {
        buf.putInt(MAGIC).put((byte) VERSION).put(kind).putShort((short) HEADER_LENGTH)
                .putInt(epoch).putLong(batchIndex).putLong(epochBatches).putInt(count)
                .putShort((short) channels).putShort((short) height).putShort((short) width).putShort((short) labelLevels)
                .putLong(payload);
    }

    private static byte[] seal(ByteBuffer buf) {
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        return buf.array();
    }

    /** Decodes a frame, or throws {@link FrameException} naming the byte offset of the first problem. */
    public static Decoded decode(byte[] bytes) {
        if (bytes == null) {
            throw new FrameException("frame is null", 0);
        }
        if (bytes.length < HEADER_LENGTH + TRAILER_LENGTH) {
            throw new FrameException("frame truncated: " + bytes.length + " bytes, a frame has at least "
                    + (HEADER_LENGTH + TRAILER_LENGTH), bytes.length);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int magic = buf.getInt(0);
        if (magic != MAGIC) {
            throw new FrameException(String.format("bad magic 0x%08X, expected 0x%08X (\"MLBF\")", magic, MAGIC), 0);
        }
        int version = buf.get(4) & 0xFF;
        if (version != VERSION) {
            throw new FrameException("unsupported frame version " + version + ", this reader knows " + VERSION, 4);
        }
        byte kind = buf.get(5);
        if (kind != KIND_BATCH && kind != KIND_ERROR) {
            throw new FrameException("unknown frame kind " + kind, 5);
        }
        int headerLength = buf.getShort(6) & 0xFFFF;
        if (headerLength != HEADER_LENGTH) {
            throw new FrameException("header length " + headerLength + ", version 1 has " + HEADER_LENGTH, 6);
        }
        long payload = buf.getLong(40);
        long expected = HEADER_LENGTH + payload + TRAILER_LENGTH;
        if (payload < 0 || expected != bytes.length) {
            throw new FrameException("frame length " + bytes.length + " does not match payload length " + payload
                    + " (expected " + expected + " bytes): truncated or corrupt", payload < 0 || expected > bytes.length
                    ? Math.min(40, bytes.length) : bytes.length);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - TRAILER_LENGTH);
        int stored = buf.getInt(bytes.length - TRAILER_LENGTH);
        if (stored != (int) crc.getValue()) {
            throw new FrameException(String.format("CRC32C mismatch: stored 0x%08X, computed 0x%08X", stored,
                    (int) crc.getValue()), bytes.length - TRAILER_LENGTH);
        }
        int epoch = buf.getInt(8);
        long batchIndex = buf.getLong(12);
        if (epoch < 0) {
            throw new FrameException("negative epoch " + epoch, 8);
        }
        if (batchIndex < 0) {
            throw new FrameException("negative batch index " + batchIndex, 12);
        }
        if (kind == KIND_ERROR) {
            String message = new String(bytes, HEADER_LENGTH, (int) payload, StandardCharsets.UTF_8);
            return new Error(epoch, batchIndex, message);
        }
        long epochBatches = buf.getLong(20);
        int count = buf.getInt(28);
        int channels = buf.getShort(32) & 0xFFFF;
        int height = buf.getShort(34) & 0xFFFF;
        int width = buf.getShort(36) & 0xFFFF;
        int levels = buf.getShort(38) & 0xFFFF;
        if (epochBatches < 0) {
            throw new FrameException("negative batches in epoch " + epochBatches, 20);
        }
        if (count < 0 || channels == 0 || height == 0 || width == 0) {
            throw new FrameException("bad shape " + count + "×" + channels + "×" + height + "×" + width, 28);
        }
        long imageBytes = (long) channels * height * width; // < 2^48
        if (count > payload / imageBytes) {
            // checked before multiplying: count × C·H·W can pass 2^63 and wrap to a length that matches
            throw new FrameException("payload length " + payload + " cannot hold " + count + " images of " + channels + "×"
                    + height + "×" + width, 28);
        }
        long pixelBytes = count * imageBytes;
        long labelBytes = 4L * count * levels;
        if (pixelBytes + labelBytes != payload) {
            throw new FrameException("payload length " + payload + " does not match shape (" + pixelBytes
                    + " pixel bytes + " + labelBytes + " label bytes)", 40);
        }
        byte[] pixels = new byte[(int) pixelBytes];
        buf.get(HEADER_LENGTH, pixels);
        int[] labels = new int[(int) (count * (long) levels)];
        int at = HEADER_LENGTH + (int) pixelBytes;
        for (int i = 0; i < labels.length; i++, at += 4) {
            labels[i] = buf.getInt(at);
        }
        return new Batch(new BatchFrame(epoch, batchIndex, epochBatches, count, channels, height, width, levels, pixels, labels));
    }

      /** Decodes a frame that must be a batch; an error frame from the producer becomes a {@link ProducerError}. */
    public static BatchFrame decodeBatch(byte[] bytes) {
        Decoded decoded = decode(bytes);
        if (decoded instanceof Error error) {
            throw new ProducerError(error.message());
        }
        return ((Batch) decoded).frame();
    }

    /** The producer sent an error frame instead of a batch. */
    public static final class ProducerError extends RuntimeException {
        public ProducerError(String message) {
            super(message);
        }
    }
}
