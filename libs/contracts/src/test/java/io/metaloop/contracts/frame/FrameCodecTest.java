package io.metaloop.contracts.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private static BatchFrame sample(int count, int channels, int size, int levels, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[count * channels * size * size];
        random.nextBytes(pixels);
        int[] labels = new int[count * levels];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(1000) - 10; // negative values must survive too
        }
        return new BatchFrame(3, 17, 40, count, channels, size, size, levels, pixels, labels);
    }

    @Test
    void batchRoundTripsForVariousShapes() {
        for (BatchFrame f : new BatchFrame[] {sample(3, 1, 4, 1, 1), sample(5, 3, 7, 4, 2), sample(0, 1, 28, 1, 3),
                sample(2, 2, 3, 0, 4)}) {
            BatchFrame back = FrameCodec.decodeBatch(FrameCodec.encode(f));
            assertEquals(f, back);
        }
    }

    @Test
    void layoutMatchesTheDocumentedHeader() {
        byte[] bytes = FrameCodec.encode(sample(2, 1, 2, 1, 5));
        assertEquals('M', bytes[0]);
        assertEquals('L', bytes[1]);
        assertEquals('B', bytes[2]);
        assertEquals('F', bytes[3]);
        assertEquals(1, bytes[4]);
        assertEquals(FrameCodec.KIND_BATCH, bytes[5]);
        // header 48 + pixels 2·1·2·2 + labels 4·2 + CRC 4
        assertEquals(48 + 8 + 8 + 4, bytes.length);
    }

    @Test
    void errorFramesCarryTheirMessage() {
        var decoded = FrameCodec.decode(FrameCodec.encodeError(2, 9, "unknown dataset 'cifar-11'"));
        FrameCodec.Error error = assertInstanceOf(FrameCodec.Error.class, decoded);
        assertEquals(2, error.epoch());
        assertEquals(9, error.batchIndex());
        assertEquals("unknown dataset 'cifar-11'", error.message());
        var e = assertThrows(FrameCodec.ProducerError.class, () -> FrameCodec.decodeBatch(FrameCodec.encodeError(0, 0, "gone")));
        assertEquals("gone", e.getMessage());
    }

    @Test
    void corruptionAtEveryBytePositionIsDetected() {
        byte[] good = FrameCodec.encode(sample(3, 2, 4, 2, 6));
        for (int position = 0; position < good.length; position++) {
            for (int mask : new int[] {0x01, 0x80, 0xFF}) {
                byte[] bad = good.clone();
                bad[position] ^= (byte) mask;
                int at = position;
                FrameException e = assertThrows(FrameException.class, () -> FrameCodec.decode(bad),
                        "flipping bits " + mask + " of byte " + at + " went unnoticed");
                assertTrue(e.byteOffset() >= 0 && e.byteOffset() <= good.length, e.getMessage());
            }
        }
    }

    @Test
    void truncationAtEveryLengthIsDetected() {
        byte[] good = FrameCodec.encode(sample(2, 1, 5, 1, 7));
        for (int length = 0; length < good.length; length++) {
            byte[] cut = Arrays.copyOf(good, length);
            FrameException e = assertThrows(FrameException.class, () -> FrameCodec.decode(cut));
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("does not match"), e.getMessage());
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThrows(FrameException.class, () -> FrameCodec.decode(longer));
    }

    @Test
    void errorsNameTheProblemAndItsOffset() {
        byte[] bad = FrameCodec.encode(sample(1, 1, 2, 1, 8));
        bad[4] = 7;
        FrameException e = assertThrows(FrameException.class, () -> FrameCodec.decode(bad));
        assertEquals("unsupported frame version 7, this reader knows 1 (frame byte offset 4)", e.getMessage());
        assertEquals(4, e.byteOffset());
        FrameException nullFrame = assertThrows(FrameException.class, () -> FrameCodec.decode(null));
        assertEquals(0, nullFrame.byteOffset());
    }
}
