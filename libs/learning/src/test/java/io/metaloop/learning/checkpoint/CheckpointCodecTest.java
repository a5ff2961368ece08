package io.metaloop.learning.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.learning.method.Supervised;
import io.metaloop.learning.model.ModelSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CheckpointCodecTest {
    private final ModelSpec spec = new ModelSpec("conv4", 1, 28, 28, 10);

    private Checkpoint sample() {
        return new Supervised(spec, 1e-3, 9).checkpoint("exp-1", 2, 9);
    }

    @Test
    void roundTripKeepsEveryField() {
        Checkpoint original = sample();
        Checkpoint read = CheckpointCodec.decode(CheckpointCodec.encode(original));
        assertEquals(original.experimentId(), read.experimentId());
        assertEquals(original.method(), read.method());
        assertEquals(original.model(), read.model());
        assertEquals(2, read.epochsDone());
        assertEquals(9, read.seed());
        assertArrayEquals(original.params(), read.params());
        assertArrayEquals(original.buffers(), read.buffers());
        assertArrayEquals(original.firstMoment(), read.firstMoment());
        assertArrayEquals(original.secondMoment(), read.secondMoment());
    }

    @Test
    void restoringContinuesWithTheSameWeights() {
        Checkpoint c = sample();
        Supervised other = new Supervised(spec, 1e-3, 12345);
        other.restore(CheckpointCodec.decode(CheckpointCodec.encode(c)));
        assertArrayEquals(c.params(), other.model().network().params().toFloatVector());
    }

    @Test
    void everyCorruptedByteIsDetected() {
        byte[] good = CheckpointCodec.encode(sample());
        // every byte of the 48-byte envelope, then payload bytes at a prime stride (the SHA-256 treats all
        // payload bytes alike; checking each of ~100k would only slow the suite), and the very last byte
        java.util.stream.IntStream positions = java.util.stream.IntStream.concat(
                java.util.stream.IntStream.range(0, 48),
                java.util.stream.IntStream.iterate(48, i -> i < good.length, i -> i + 101));
        for (int i : java.util.stream.IntStream.concat(positions, java.util.stream.IntStream.of(good.length - 1)).toArray()) {
            byte[] bad = good.clone();
            bad[i] ^= 0x5A;
            int at = i;
            assertThrows(CheckpointException.class, () -> CheckpointCodec.decode(bad), "byte " + at);
        }
    }

    @Test
    void truncatedCheckpointIsRejected() {
        byte[] good = CheckpointCodec.encode(sample());
        for (int length : new int[] {0, 10, good.length / 2, good.length - 1}) {
            assertThrows(CheckpointException.class, () -> CheckpointCodec.decode(Arrays.copyOf(good, length)));
        }
    }

    @Test
    void mismatchedArchitectureIsNamed() {
        Checkpoint c = sample();
        Supervised wider = new Supervised(new ModelSpec("conv4", 1, 28, 28, 5), 1e-3, 1);
        CheckpointException e = assertThrows(CheckpointException.class, () -> wider.restore(c));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }
}
