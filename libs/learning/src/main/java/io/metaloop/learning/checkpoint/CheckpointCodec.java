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
            throw new CheckpointException("checkpoint truncated at byte " + bytes.length + ": the header alone has "
                    + ENVELOPE_LENGTH + " bytes");
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
            throw new CheckpointException("checkpoint header announces " + length + " payload bytes (length at byte 8), the"
                    + " file has " + (bytes.length - ENVELOPE_LENGTH) + " after the header: truncated or corrupt");
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
        Map<String, byte[]> entries = readEntries(bytes);
        byte[] manifestBytes = entries.get(MANIFEST);
        if (manifestBytes == null) {
            throw new CheckpointException("checkpoint has no entry '" + MANIFEST + "' (entries: " + entries.keySet() + ")");
        }
        JsonNode m;
        try {
            m = JSON.readTree(manifestBytes);
        } catch (IOException e) {
            throw new CheckpointException("checkpoint entry '" + MANIFEST + "' is not valid JSON: " + e.getMessage(), e);
        }
        int version = intField(m, "formatVersion");
        if (version != envelopeVersion) {
            throw new CheckpointException("checkpoint manifest field 'formatVersion' says " + version + ", the header (byte 4) "
                    + envelopeVersion);
        }
        JsonNode model = field(m, "model");
        ModelSpec.Head head = ModelSpec.Head.LINEAR_HEAD;
        if (version >= 3) {
            JsonNode h = field(model, "head");
            String kind = textField(h, "kind");
            double temperature = doubleField(h, "temperature");
            boolean learn = booleanField(h, "learnTemperature");
            head = valid("head", () -> new ModelSpec.Head(kind, temperature, learn));
        }
        String backbone = textField(model, "backbone");
        int channels = intField(model, "channels");
        int height = intField(model, "height");
        int width = intField(model, "width");
        int classes = intField(model, "classes");
        ModelSpec.Head modelHead = head;
        ModelSpec spec = valid("model", () -> new ModelSpec(backbone, channels, height, width, classes, modelHead));
        float[] params = array(entries, PARAMS);
        float[] buffers = array(entries, BUFFERS);
        String experimentId = textField(m, "experimentId");
        String method = textField(m, "method");
        long seed = longField(m, "seed");
        if (version == 1) {
            // version 1: epoch-end checkpoints of Adam runs; its methods drew no random numbers
            long steps = longField(m, "optimiserSteps");
            List<float[]> moments = List.of(vector(entries, ADAM_V1[0], params), vector(entries, ADAM_V1[1], params));
            OptimizerState adam = valid("optimiserSteps", () -> new OptimizerState("adam", steps, moments));
            int epochs = intField(m, "epochsDone");
            TrainingPosition position = valid("epochsDone", () -> TrainingPosition.epochStart(epochs));
            return valid("extras", () -> new Checkpoint(experimentId, method, spec, position, seed, params, buffers, adam, 0));
        }
        JsonNode p = field(m, "position");
        int epoch = intField(p, "epoch");
        long batch = longField(p, "batch");
        TrainingPosition position = valid("position", () -> new TrainingPosition(epoch, batch));
        JsonNode o = field(m, "optimizer");
        int vectors = intField(o, "vectors");
        if (vectors < 0) {
            throw new CheckpointException("checkpoint manifest field 'vectors' is " + vectors + ", not a count");
        }
        List<float[]> state = new ArrayList<>();
        for (int k = 0; k < vectors; k++) {
            state.add(vector(entries, optimizerEntry(k), params));
        }
        String optimizerName = textField(o, "name");
        long steps = longField(o, "steps");
        OptimizerState optimizer = valid("optimizer", () -> new OptimizerState(optimizerName, steps, state));
        long rngState = longField(m, "rngState");
        Map<String, float[]> extras = new LinkedHashMap<>();
        if (version >= 3) {
            JsonNode names = field(m, "extras");
            if (!names.isArray()) {
                throw new CheckpointException("checkpoint manifest field 'extras' is " + shown(names) + ", not a list of names");
            }
            for (JsonNode name : names) {
                if (!name.isTextual()) {
                    throw new CheckpointException("checkpoint manifest field 'extras' holds " + shown(name) + ", not a name");
                }
                if (extras.put(name.asText(), array(entries, extraEntry(name.asText()))) != null) {
                    throw new CheckpointException("checkpoint manifest field 'extras' lists " + shown(name) + " twice");
                }
            }
        }
        return valid("extras", () -> new Checkpoint(experimentId, method, spec, position, seed, params, buffers, optimizer,
                rngState, extras));
    }

    /**
     * The payload's entries by name. Damage (ZipInputStream checks every entry's CRC-32 and sizes), an entry
     * name that is not UTF-8, or a name given twice is reported with the byte reading had got to.
     */
    private static Map<String, byte[]> readEntries(byte[] payload) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        PositionedInput in = new PositionedInput(payload);
        String current = null;
        try (ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                current = e.getName();
                if (entries.put(current, zip.readAllBytes()) != null) {
                    throw new CheckpointException("checkpoint has the entry '" + current + "' twice (the second ends by byte "
                            + (ENVELOPE_LENGTH + in.position()) + ")");
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: how ZipInputStream refuses an entry name that is not valid UTF-8
            throw new CheckpointException("checkpoint payload is not a readable zip"
                    + (current == null ? "" : " (last entry read: '" + current + "')") + ": reading stopped by byte "
                    + (ENVELOPE_LENGTH + in.position()) + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()), e);
        }
        return entries;
    }

    /** A byte-array stream that tells how far the zip reader got, for error offsets. */
    private static final class PositionedInput extends ByteArrayInputStream {
        PositionedInput(byte[] bytes) {
            super(bytes);
        }

        long position() {
            return pos;
        }
    }

    /** A value a record refuses ({@link IllegalArgumentException}) is reported naming the manifest field it came from. */
    private static <T> T valid(String field, java.util.function.Supplier<T> value) {
        try {
            return value.get();
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint manifest field '" + field + "' is invalid: " + e.getMessage(), e);
        }
    }

    private static JsonNode field(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new CheckpointException("checkpoint manifest lacks the field '" + name + "'");
        }
        return value;
    }

    /** A manifest value as JSON, cut short: a damaged manifest may hold megabytes where a number belongs. */
    private static String shown(JsonNode value) {
        String json = value.toString();
        return json.length() <= 80 ? json : json.substring(0, 80) + "...";
    }

    // typed fields: a string where a number belongs is damage, not 0 (what JsonNode.asInt would make of it)

    private static String textField(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isTextual()) {
            throw new CheckpointException("checkpoint manifest field '" + name + "' is " + shown(value) + ", not a string");
        }
        return value.asText();
    }

    private static int intField(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new CheckpointException("checkpoint manifest field '" + name + "' is " + shown(value) + ", not a 32-bit integer");
        }
        return value.intValue();
    }

    private static long longField(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new CheckpointException("checkpoint manifest field '" + name + "' is " + shown(value) + ", not a 64-bit integer");
        }
        return value.longValue();
    }

    private static double doubleField(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isNumber()) {
            throw new CheckpointException("checkpoint manifest field '" + name + "' is " + shown(value) + ", not a number");
        }
        return value.doubleValue();
    }

    private static boolean booleanField(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isBoolean()) {
            throw new CheckpointException("checkpoint manifest field '" + name + "' is " + shown(value) + ", not true or false");
        }
        return value.booleanValue();
    }

    private static float[] array(Map<String, byte[]> entries, String name) {
        byte[] data = entries.get(name);
        if (data == null) {
            throw new CheckpointException("checkpoint entry '" + name + "' is missing");
        }
        if (data.length % 4 != 0) {
            throw new CheckpointException("checkpoint entry '" + name + "' has " + data.length + " bytes, not whole floats");
        }
        return floats(data);
    }

    /** An optimiser state vector: one value per parameter. */
    private static float[] vector(Map<String, byte[]> entries, String name, float[] params) {
        float[] values = array(entries, name);
        if (values.length != params.length) {
            throw new CheckpointException("checkpoint entry '" + name + "' holds " + values.length + " values, '" + PARAMS
                    + "' " + params.length + ": an optimizer state vector has one value per parameter");
        }
        return values;
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
