package io.metaloop.learning.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.learning.method.Supervised;
import io.metaloop.learning.model.ModelSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class CheckpointCodecTest {
    private final ModelSpec spec = new ModelSpec("conv4", 1, 28, 28, 10);

    /** A checkpoint whose every field holds a value no default would give. */
    private Checkpoint sample() {
        Checkpoint fresh = new Supervised(spec, 1e-3, 9).checkpoint("exp-1", new TrainingPosition(2, 17));
        int n = fresh.params().length;
        float[] m = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            m[i] = (i % 7) * 0.25f - 0.5f;
            v[i] = (i % 5) * 0.125f;
        }
        return new Checkpoint(fresh.experimentId(), fresh.method(), fresh.model(), fresh.position(), fresh.seed(),
                fresh.params(), fresh.buffers(), new OptimizerState("adam", 123, List.of(m, v)), 0x0123456789ABCDEFL);
    }

    @Test
    void roundTripKeepsEveryField() {
        Checkpoint original = sample();
        Checkpoint read = CheckpointCodec.decode(CheckpointCodec.encode(original));
        assertEquals(original.experimentId(), read.experimentId());
        assertEquals(original.method(), read.method());
        assertEquals(original.model(), read.model());
        assertEquals(new TrainingPosition(2, 17), read.position());
        assertEquals(2, read.epochsDone());
        assertEquals(9, read.seed());
        assertEquals(0x0123456789ABCDEFL, read.rngState());
        assertArrayEquals(original.params(), read.params());
        assertArrayEquals(original.buffers(), read.buffers());
        assertEquals("adam", read.optimizer().name());
        assertEquals(123, read.optimizer().steps());
        assertEquals(2, read.optimizer().vectors().size());
        for (int k = 0; k < 2; k++) {
            assertArrayEquals(original.optimizer().vectors().get(k), read.optimizer().vectors().get(k));
        }
    }

    @Test
    void aHeadWithATemperatureAndExtraArraysSurvive() {
        ModelSpec withTemperature = new ModelSpec("convnet4", 1, 28, 28, 5, new ModelSpec.Head("linear", 2.5, true));
        Checkpoint plain = sample();
        Checkpoint c = new Checkpoint("exp-2", "meta-sgd", withTemperature, plain.position(), 3, new float[] {1, 2},
                new float[] {3}, new OptimizerState("sgd", 7, List.of(new float[] {0.5f, 0.25f})), 11,
                Map.of("inner-rates", new float[] {0.01f, 0.02f}, "inner-rates-optimizer-steps", new float[] {7}));
        Checkpoint read = CheckpointCodec.decode(CheckpointCodec.encode(c));
        assertEquals(withTemperature, read.model());
        assertEquals(List.of("inner-rates", "inner-rates-optimizer-steps"), List.copyOf(read.extras().keySet()));
        assertArrayEquals(new float[] {0.01f, 0.02f}, read.extra("inner-rates"));
        CheckpointException missing = assertThrows(CheckpointException.class, () -> read.extra("other"));
        assertTrue(missing.getMessage().contains("'other'"), missing.getMessage());
    }

    @Test
    void aVersion2FileReadsWithThePlainHeadAndNoExtras() throws IOException {
        // a version-2 file: this build's payload with the manifest as version 2 wrote it (no model.head, no extras)
        Checkpoint original = sample();
        byte[] v3 = CheckpointCodec.encode(original);
        byte[] payload = Arrays.copyOfRange(v3, 48, v3.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(payload));
             ZipOutputStream zip = new ZipOutputStream(out)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().equals("checkpoint.json")) {
                    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(bytes);
                    ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("formatVersion", 2).remove("extras");
                    ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("model")).remove("head");
                    bytes = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(json);
                }
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(bytes);
                zip.closeEntry();
            }
        }
        Checkpoint read = CheckpointCodec.decode(CheckpointCodec.seal(2, out.toByteArray()));
        assertEquals(ModelSpec.Head.LINEAR_HEAD, read.model().head());
        assertEquals(original.model(), read.model());
        assertTrue(read.extras().isEmpty());
        assertArrayEquals(original.params(), read.params());
    }

    @Test
    void restoringPutsBackWeightsOptimiserStateAndRandomState() {
        Checkpoint c = sample();
        Supervised other = new Supervised(spec, 1e-3, 12345);
        other.restore(CheckpointCodec.decode(CheckpointCodec.encode(c)));
        Checkpoint again = other.checkpoint("exp-1", c.position());
        assertArrayEquals(c.params(), again.params());
        assertArrayEquals(c.buffers(), again.buffers());
        assertArrayEquals(c.optimizer().vectors().get(1), again.optimizer().vectors().get(1));
        assertEquals(123, again.optimizer().steps());
        assertEquals(c.rngState(), again.rngState());
    }

    /** A version-1 file as the first release wrote it: epoch-end position, Adam moments, no RNG state. */
    private static byte[] versionOneFile(float[] params, float[] buffers, float[] m, float[] v) throws IOException {
        String manifest = "{\"formatVersion\":1,\"experimentId\":\"old-1\",\"method\":\"supervised\","
                + "\"model\":{\"backbone\":\"conv4\",\"channels\":1,\"height\":28,\"width\":28,\"classes\":10},"
                + "\"epochsDone\":3,\"optimiserSteps\":360,\"seed\":4}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : Map.of("checkpoint.json", manifest.getBytes(StandardCharsets.UTF_8),
                    "params.f32", le(params), "buffers.f32", le(buffers), "adam-m.f32", le(m), "adam-v.f32", le(v)).entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return CheckpointCodec.seal(1, out.toByteArray());
    }

    private static byte[] le(float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }

    @Test
    void versionOneCheckpointsStillLoad() throws IOException {
        Checkpoint c = sample();
        float[] m = c.optimizer().vectors().get(0);
        float[] v = c.optimizer().vectors().get(1);
        Checkpoint old = CheckpointCodec.decode(versionOneFile(c.params(), c.buffers(), m, v));
        assertEquals(TrainingPosition.epochStart(3), old.position());
        assertEquals(new OptimizerState("adam", 360, List.of()).name(), old.optimizer().name());
        assertEquals(360, old.optimizer().steps());
        assertArrayEquals(v, old.optimizer().vectors().get(1));
        assertEquals(4, old.seed());
        Supervised resumed = new Supervised(spec, 1e-3, 4);
        resumed.restore(old);
        assertArrayEquals(c.params(), resumed.model().network().params().toFloatVector());
    }

    @Test
    void everyCorruptedByteIsDetected() {
        byte[] good = CheckpointCodec.encode(sample());
        // every byte of the 48-byte envelope, then payload bytes at a prime stride (the SHA-256 treats all
        // payload bytes alike; checking each of ~200k would only slow the suite), and the very last byte
        IntStream positions = IntStream.concat(IntStream.range(0, 48), IntStream.iterate(48, i -> i < good.length, i -> i + 101));
        for (int i : IntStream.concat(positions, IntStream.of(good.length - 1)).toArray()) {
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
    void aFutureVersionIsNamedNotMisread() {
        byte[] file = CheckpointCodec.encode(sample());
        file[5] = 9; // version 9, big-endian uint16 at bytes 4-5
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointCodec.decode(file));
        assertEquals("checkpoint format version 9 (byte 4); this reader knows 1 to 3", e.getMessage());
    }

    @Test
    void aManifestWithoutAFieldNamesIt() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("checkpoint.json"));
            zip.write("{\"formatVersion\":2,\"experimentId\":\"x\",\"method\":\"supervised\"}".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> CheckpointCodec.decode(CheckpointCodec.seal(2, out.toByteArray())));
        assertEquals("checkpoint manifest lacks the field 'model'", e.getMessage());
    }

    @Test
    void mismatchedArchitectureIsNamed() {
        Checkpoint c = sample();
        Supervised fewerClasses = new Supervised(new ModelSpec("conv4", 1, 28, 28, 5), 1e-3, 1);
        CheckpointException e = assertThrows(CheckpointException.class, () -> fewerClasses.restore(c));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void anotherOptimisersStateIsRefused() {
        Checkpoint c = sample();
        Checkpoint sgd = new Checkpoint(c.experimentId(), c.method(), c.model(), c.position(), c.seed(), c.params(),
                c.buffers(), new OptimizerState("sgd", 5, List.of(c.params())), 0);
        CheckpointException e = assertThrows(CheckpointException.class, () -> new Supervised(spec, 1e-3, 1).restore(sgd));
        assertEquals("checkpoint holds the state of optimizer 'sgd', the run uses 'adam'", e.getMessage());
    }
}
