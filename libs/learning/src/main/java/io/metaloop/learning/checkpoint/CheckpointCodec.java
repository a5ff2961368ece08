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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Checkpoint files, format version 1: a 48-byte envelope — magic {@code MLCK}, version (uint16),
 * reserved (uint16), payload length (uint64), SHA-256 of the payload — then the payload, a zip
 * holding {@code checkpoint.json} (metadata) and one little-endian float32 file per array.
 * Reading checks the envelope before anything else, so any changed or missing byte is reported
 * as such, never loaded as weights.
 */
public final class CheckpointCodec {
    public static final int FORMAT_VERSION = 1;
    private static final int MAGIC = 0x4D4C434B; // "MLCK"
    private static final int ENVELOPE_LENGTH = 4 + 2 + 2 + 8 + 32;
    private static final String MANIFEST = "checkpoint.json";
    private static final String[] ARRAYS = {"params.f32", "buffers.f32", "adam-m.f32", "adam-v.f32"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointCodec() {
    }

    public static byte[] encode(Checkpoint c) {
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put(ARRAYS[0], floats(c.params()));
        arrays.put(ARRAYS[1], floats(c.buffers()));
        arrays.put(ARRAYS[2], floats(c.firstMoment()));
        arrays.put(ARRAYS[3], floats(c.secondMoment()));
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
        manifest.put("epochsDone", c.epochsDone());
        manifest.put("optimiserSteps", c.optimiserSteps());
        manifest.put("seed", c.seed());
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
        byte[] payload = out.toByteArray();
        ByteBuffer file = ByteBuffer.allocate(ENVELOPE_LENGTH + payload.length);
        file.putInt(MAGIC).putShort((short) FORMAT_VERSION).putShort((short) 0).putLong(payload.length)
                .put(digest(payload)).put(payload);
        return file.array();
    }

    public static Checkpoint decode(byte[] bytes) {
        return decodePayload(openEnvelope(bytes));
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
        if (version != FORMAT_VERSION) {
            throw new CheckpointException("checkpoint format version " + version + ", this reader knows " + FORMAT_VERSION);
        }
        int reserved = buf.getShort() & 0xFFFF;
        if (reserved != 0) {
            throw new CheckpointException("checkpoint header byte 6 holds " + reserved + " where version 1 has 0: corrupt");
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

    private static Checkpoint decodePayload(byte[] bytes) {
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
        try {
            JsonNode m = JSON.readTree(manifestBytes);
            int version = m.path("formatVersion").asInt(-1);
            if (version != FORMAT_VERSION) {
                throw new CheckpointException("checkpoint format version " + version + ", this reader knows " + FORMAT_VERSION);
            }
            float[][] arrays = new float[ARRAYS.length][];
            for (int i = 0; i < ARRAYS.length; i++) {
                byte[] data = entries.get(ARRAYS[i]);
                if (data == null) {
                    throw new CheckpointException("checkpoint entry " + ARRAYS[i] + " is missing");
                }
                if (data.length % 4 != 0) {
                    throw new CheckpointException("checkpoint entry " + ARRAYS[i] + " has " + data.length + " bytes, not whole floats");
                }
                arrays[i] = floats(data);
            }
            JsonNode model = m.path("model");
            ModelSpec spec = new ModelSpec(model.path("backbone").asText(), model.path("channels").asInt(),
                    model.path("height").asInt(), model.path("width").asInt(), model.path("classes").asInt());
            return new Checkpoint(m.path("experimentId").asText(), m.path("method").asText(), spec,
                    m.path("epochsDone").asInt(), m.path("optimiserSteps").asLong(), m.path("seed").asLong(),
                    arrays[0], arrays[1], arrays[2], arrays[3]);
        } catch (IOException e) {
            throw new CheckpointException("checkpoint manifest is not valid JSON: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint is inconsistent: " + e.getMessage(), e);
        }
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
