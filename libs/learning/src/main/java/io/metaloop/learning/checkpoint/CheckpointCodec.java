package io.metaloop.learning.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metaloop.learning.model.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Checkpoint files. A 48-byte envelope — magic {@code MLCK}, format version (uint16), reserved
 * (uint16), payload length (uint64), SHA-256 of the payload — then the payload, a zip holding
 * {@code checkpoint.json} (metadata) and one little-endian float32 file per array. Reading checks
 * the envelope before anything else, so any changed or missing byte is reported as such, never
 * loaded as weights.
 *
 * <p>Version 3 (written now) adds the model's head ({@code model.head}: kind, temperature, whether it
 * is learned) and a method's extra arrays ({@code extra-<name>.f32}, listed in {@code extras}).
 * Version 2 stores the training position (epoch and batch), the method's random state and any
 * optimiser's state vectors ({@code optimizer-K.f32}); its models have the plain linear head and no
 * extras. Version 1 files (epoch-end checkpoints of Adam runs, before the RNG and data position
 * were stored) are still read.
 */
public final class CheckpointCodec {
    public static final int FORMAT_VERSION = 3;
    private static final int OLDEST_READABLE = 1;
    private static final int MAGIC = 0x4D4C434B; // "MLCK"
    private static final int ENVELOPE_LENGTH = 4 + 2 + 2 + 8 + 32;
    private static final String MANIFEST = "checkpoint.json";
    private static final String PARAMS = "params.f32";
    private static final String BUFFERS = "buffers.f32";
    private static final String[] ADAM_V1 = {"adam-m.f32", "adam-v.f32"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointCodec() {
    }

    private static String optimizerEntry(int k) {
        return "optimizer-" + k + ".f32";
    }

    private static String extraEntry(String name) {
        return "extra-" + name + ".f32";
    }

    public static byte[] encode(Checkpoint c) {
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put(PARAMS, floats(c.params()));
        arrays.put(BUFFERS, floats(c.buffers()));
        for (int k = 0; k < c.optimizer().vectors().size(); k++) {
            arrays.put(optimizerEntry(k), floats(c.optimizer().vectors().get(k)));
        }
        c.extras().forEach((name, values) -> arrays.put(extraEntry(name), floats(values)));
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("formatVersion", FORMAT_VERSION);
        manifest.put("experimentId", c.experimentId());
        manifest.put("method", c.method());
        ObjectNode model = manifest.putObject("model");
        model.put("backbone", c.model().backbone());
        model.put("channels", c.model().channels());
        model.put("height", c.model().height());
        model.put("width", c.model().width());
        model.put("classes", c.model().classes());
        ObjectNode head = model.putObject("head");
        head.put("kind", c.model().head().kind());
        head.put("temperature", c.model().head().temperature());
        head.put("learnTemperature", c.model().head().learnTemperature());
        ObjectNode position = manifest.putObject("position");
        position.put("epoch", c.position().epoch());
        position.put("batch", c.position().batch());
        manifest.put("seed", c.seed());
        manifest.put("rngState", c.rngState());
        ObjectNode optimizer = manifest.putObject("optimizer");
        optimizer.put("name", c.optimizer().name());
        optimizer.put("steps", c.optimizer().steps());
        optimizer.put("vectors", c.optimizer().vectors().size());
        c.extras().keySet().forEach(manifest.putArray("extras")::add);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(MANIFEST));
            zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            zip.closeEntry();
            for (Map.Entry<String, byte[]> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return seal(FORMAT_VERSION, out.toByteArray());
    }

    /** The envelope around a payload; package-private so tests can build files of older versions. */
    static byte[] seal(int version, byte[] payload) {
        ByteBuffer file = ByteBuffer.allocate(ENVELOPE_LENGTH + payload.length);
        file.putInt(MAGIC).putShort((short) version).putShort((short) 0).putLong(payload.length)
                .put(digest(payload)).put(payload);
        return file.array();
    }

    public static Checkpoint decode(byte[] bytes) {
        byte[] payload = openEnvelope(bytes);
        int version = ByteBuffer.wrap(bytes).getShort(4) & 0xFFFF;
        return decodePayload(version, payload);
    }

    private static byte[] openEnvelope(byte[] bytes) {
        if (bytes.length < ENVELOPE_LENGTH) {
            throw new CheckpointException("checkpoint truncated: " + bytes.length + " bytes, the header alone has " + ENVELOPE_LENGTH);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (buf.getInt() != MAGIC) {
            throw new CheckpointException("not a MetaLoop checkpoint (bad magic at byte 0)");
        }
        int version = buf.getShort() & 0xFFFF;
        if (version < OLDEST_READABLE || version > FORMAT_VERSION) {
            throw new CheckpointException("checkpoint format version " + version + " (byte 4); this reader knows "
                    + OLDEST_READABLE + " to " + FORMAT_VERSION);
        }
        int reserved = buf.getShort() & 0xFFFF;
        if (reserved != 0) {
            throw new CheckpointException("checkpoint header byte 6 holds " + reserved + " where it must be 0: corrupt");
        }
        long length = buf.getLong();
        if (length != bytes.length - ENVELOPE_LENGTH) {
            throw new CheckpointException("checkpoint header announces " + length + " payload bytes, file has "
                    + (bytes.length - ENVELOPE_LENGTH) + ": truncated or corrupt");
        }
        byte[] expected = new byte[32];
        buf.get(expected);
        byte[] payload = java.util.Arrays.copyOfRange(bytes, ENVELOPE_LENGTH, bytes.length);
        if (!MessageDigest.isEqual(expected, digest(payload))) {
            throw new CheckpointException("checkpoint fails its SHA-256 check: corrupt");
        }
        return payload;
    }

    private static Checkpoint decodePayload(int envelopeVersion, byte[] bytes) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        } catch (IOException e) {
            throw new CheckpointException("checkpoint is not a readable zip (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
        byte[] manifestBytes = entries.get(MANIFEST);
        if (manifestBytes == null) {
            throw new CheckpointException("checkpoint has no " + MANIFEST + " (entries: " + entries.keySet() + ")");
        }
        JsonNode m;
        try {
            m = JSON.readTree(manifestBytes);
        } catch (IOException e) {
            throw new CheckpointException("checkpoint manifest is not valid JSON: " + e.getMessage(), e);
        }
        int version = field(m, "formatVersion").asInt();
        if (version != envelopeVersion) {
            throw new CheckpointException("checkpoint manifest says format version " + version + ", its header "
                    + envelopeVersion);
        }
        try {
            JsonNode model = field(m, "model");
            ModelSpec.Head head = ModelSpec.Head.LINEAR_HEAD;
            if (version >= 3) {
                JsonNode h = field(model, "head");
                head = new ModelSpec.Head(field(h, "kind").asText(), field(h, "temperature").asDouble(),
                        field(h, "learnTemperature").asBoolean());
            }
            ModelSpec spec = new ModelSpec(field(model, "backbone").asText(), field(model, "channels").asInt(),
                    field(model, "height").asInt(), field(model, "width").asInt(), field(model, "classes").asInt(), head);
            float[] params = array(entries, PARAMS);
            float[] buffers = array(entries, BUFFERS);
            if (version == 1) {
                // version 1: epoch-end checkpoints of Adam runs; its methods drew no random numbers
                OptimizerState adam = new OptimizerState("adam", field(m, "optimiserSteps").asLong(),
                        List.of(array(entries, ADAM_V1[0]), array(entries, ADAM_V1[1])));
                return new Checkpoint(field(m, "experimentId").asText(), field(m, "method").asText(), spec,
                        TrainingPosition.epochStart(field(m, "epochsDone").asInt()), field(m, "seed").asLong(),
                        params, buffers, adam, 0);
            }
            JsonNode position = field(m, "position");
            JsonNode optimizer = field(m, "optimizer");
            int vectors = field(optimizer, "vectors").asInt();
            List<float[]> state = new ArrayList<>();
            for (int k = 0; k < vectors; k++) {
                state.add(array(entries, optimizerEntry(k)));
            }
            Map<String, float[]> extras = new LinkedHashMap<>();
            if (version >= 3) {
                for (JsonNode name : field(m, "extras")) {
                    extras.put(name.asText(), array(entries, extraEntry(name.asText())));
                }
            }
            return new Checkpoint(field(m, "experimentId").asText(), field(m, "method").asText(), spec,
                    new TrainingPosition(field(position, "epoch").asInt(), field(position, "batch").asLong()),
                    field(m, "seed").asLong(), params, buffers,
                    new OptimizerState(field(optimizer, "name").asText(), field(optimizer, "steps").asLong(), state),
                    field(m, "rngState").asLong(), extras);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint is inconsistent: " + e.getMessage(), e);
        }
    }

    private static JsonNode field(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new CheckpointException("checkpoint manifest lacks the field '" + name + "'");
        }
        return value;
    }

    private static float[] array(Map<String, byte[]> entries, String name) {
        byte[] data = entries.get(name);
        if (data == null) {
            throw new CheckpointException("checkpoint entry " + name + " is missing");
        }
        if (data.length % 4 != 0) {
            throw new CheckpointException("checkpoint entry " + name + " has " + data.length + " bytes, not whole floats");
        }
        return floats(data);
    }

    private static byte[] floats(float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }

    private static float[] floats(byte[] bytes) {
        float[] values = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
