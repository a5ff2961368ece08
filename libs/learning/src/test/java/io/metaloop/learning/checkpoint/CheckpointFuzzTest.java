package io.metaloop.learning.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metaloop.learning.model.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link CheckpointCodec#decode} on three layers, {@value #INPUTS} malformed variants each of one small
 * valid checkpoint (a learned-temperature head, Adam state, two extra arrays), made by a seeded {@link Random}:
 * <ol>
 * <li>the file's bytes: truncations, flips, inserted and deleted bytes, header fields (version, reserved,
 *     payload length) at edge values. The SHA-256 of the envelope must catch all of it: decoding succeeds
 *     only with content identical to the original.</li>
 * <li>the payload zip's bytes, the envelope then sealed again (as a writer with a bug, or anyone, could):
 *     the same mutations plus zip header sizes, name lengths and offsets at edge values. The zip's CRCs must
 *     catch what changes an entry: decoding succeeds only with content identical to the original.</li>
 * <li>the payload's entries, zipped and sealed again: manifest fields removed, of another type or at edge
 *     values, the manifest's text damaged, array entries cut to a part of a float, resized, removed,
 *     renamed, doubled or joined by unknown ones.</li>
 * </ol>
 * In the third layer a decode may succeed with other content, but only with what the entries say: every
 * manifest field with the value (and JSON type) it has there, every array with the entry's bytes, and the
 * checkpoint must encode and decode to itself. Every decode must either succeed so, or throw
 * {@link CheckpointException} whose message names a byte offset ({@code byte N}) or a field or entry
 * (quoted). Anything else is a crash: another exception, an error such as {@link OutOfMemoryError} (no length
 * field may size an allocation), a decode still running after {@value #TIMEOUT_SECONDS} s, or the input's
 * bytes changed.
 */
class CheckpointFuzzTest {
    static final int INPUTS = 1000;
    private static final int TIMEOUT_SECONDS = 20;
    private static final long SEED = 0xC0DEC_F022L;
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * "byte 8": an offset; 'model', 'params.f32': a field or entry; "SHA-256": the envelope's digest field (bytes
     * 16–47), whose check covers the whole payload and so has no one offset to name.
     */
    private static final Pattern NAMES_OFFSET_OR_FIELD = Pattern.compile("(?s).*(\\bbyte \\d+|'[^']+'|SHA-256).*");

    private static ExecutorService worker;

    @BeforeAll
    static void startWorker() {
        worker = newWorker();
    }

    @AfterAll
    static void stopWorker() {
        worker.shutdownNow();
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "checkpoint-fuzz");
            t.setDaemon(true);
            return t;
        });
    }

    /** Small, as {@link CheckpointCodecTest#aHeadWithATemperatureAndExtraArraysSurvive} builds one, with Adam's two vectors. */
    static Checkpoint sample() {
        ModelSpec spec = new ModelSpec("convnet4", 1, 28, 28, 5, new ModelSpec.Head("linear", 2.5, true));
        float[] params = new float[12];
        float[] m = new float[12];
        float[] v = new float[12];
        for (int i = 0; i < params.length; i++) {
            params[i] = (i - 5) * 0.37f;
            m[i] = (i % 7) * 0.25f - 0.5f;
            v[i] = (i % 5) * 0.125f;
        }
        return new Checkpoint("exp-fuzz", "meta-sgd", spec, new TrainingPosition(3, 17), 9, params,
                new float[] {1, -2, 0.5f}, new OptimizerState("adam", 123, List.of(m, v)), 0x0123456789ABCDEFL,
                Map.of("inner-rates", new float[] {0.01f, 0.02f, 0.03f}, "best-accuracy", new float[] {0.75f}));
    }

    @Test
    void theSampleRoundTrips() {
        Checkpoint c = sample();
        assertEquals("", difference(c, CheckpointCodec.decode(CheckpointCodec.encode(c))));
        assertEquals("", difference(c, CheckpointCodec.decode(CheckpointCodec.seal(3, payload(CheckpointCodec.encode(c))))));
        assertEquals("", difference(c, CheckpointCodec.decode(encoded(c))));
    }

    // ------------------------------------------------------------------ the three layers

    @Test
    void damagedFilesAreRejectedOrReadIdentically() {
        Checkpoint original = sample();
        byte[] file = encoded(original);
        fuzz("checkpoint file bytes", random -> {
            Mutant m;
            if (random.nextBoolean()) {
                // the envelope's fields: version (4), reserved (6), payload length (8), digest (16–47)
                int[][] fields = {{4, 2}, {6, 2}, {8, 8}, {8, 4}, {12, 4}, {16 + random.nextInt(32), 1}};
                int[] f = fields[random.nextInt(fields.length)];
                m = setField(file, f[0], f[1], edgeValue(random));
            } else {
                m = mutate(file, random);
            }
            return new Case(m.description(), m.bytes(), decoded -> difference(original, decoded));
        });
    }

    @Test
    void damagedPayloadZipsSealedAgainAreRejectedOrReadIdentically() {
        Checkpoint original = sample();
        byte[] payload = payload(encoded(original));
        // the zip's CRCs cover the entries' bytes; what a damage there may leave readable (the central directory,
        // which ZipInputStream does not read, times, padding) must not change what is read
        fuzz("checkpoint payload zip (sealed again)", random -> {
            Mutant m = random.nextInt(3) == 0 ? zipHeaderField(payload, random) : mutate(payload, random);
            return new Case(m.description(), CheckpointCodec.seal(3, m.bytes()), decoded -> difference(original, decoded));
        });
    }

    @Test
    void damagedEntriesZippedAndSealedAgainAreRejectedOrReadAsTheySay() {
        List<Map.Entry<String, byte[]>> valid = entries(CheckpointCodec.encode(sample()));
        fuzz("checkpoint entries (zipped and sealed again)", random -> {
            List<Map.Entry<String, byte[]>> entries = new ArrayList<>(valid);
            String what = random.nextBoolean() ? manifest(entries, random) : arrays(entries, random);
            if (random.nextInt(4) == 0) {
                what += "; " + (random.nextBoolean() ? manifest(entries, random) : arrays(entries, random));
            }
            int version = random.nextInt(8) == 0 ? 1 + random.nextInt(3) : 3;
            return new Case(what, CheckpointCodec.seal(version, zip(entries)), decoded -> agreesWithItsEntries(entries, decoded));
        });
    }

    // ------------------------------------------------------------------ running the decoder

    /** One malformed input, how it was made, and what is wrong with a successful decode of it ("" when nothing). */
    record Case(String description, byte[] bytes, Function<Checkpoint, String> check) {
    }

    /** Decodes {@value #INPUTS} inputs of {@code make}, prints the summary line and asserts that nothing crashed. */
    private static void fuzz(String boundary, Function<Random, Case> make) {
        int accepted = 0;
        int rejected = 0;
        List<String> crashes = new ArrayList<>();
        for (int i = 0; i < INPUTS; i++) {
            Case input = make.apply(new Random(SEED + 1_000_003L * boundary.hashCode() + i));
            String crash = attempt(input.bytes(), input.check());
            if (crash == null) {
                rejected++;
            } else if (crash.isEmpty()) {
                accepted++;
            } else {
                crashes.add("#" + i + " " + input.description() + ": " + crash);
            }
        }
        System.out.println("fuzz " + boundary + ": " + INPUTS + " inputs, " + accepted + " accepted, " + rejected
                + " rejected with a named error, " + crashes.size() + " crashes");
        assertTrue(INPUTS >= 1000);
        assertEquals(0, crashes.size(), () -> boundary + ": " + crashes.size() + " crashes, the first:\n"
                + String.join("\n", crashes.subList(0, Math.min(10, crashes.size()))));
        assertTrue(rejected >= INPUTS / 2, boundary + ": only " + rejected + " of " + INPUTS + " rejected");
    }

    /** @return null when rejected naming an offset or field, "" when accepted and {@code check} agrees, else the problem */
    private static String attempt(byte[] bytes, Function<Checkpoint, String> check) {
        byte[] before = bytes.clone();
        Future<Checkpoint> decode = worker.submit(() -> CheckpointCodec.decode(bytes));
        String outcome;
        try {
            Checkpoint c = decode.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            String problem = check.apply(c);
            outcome = problem.isEmpty() ? "" : "decoded, but " + problem;
        } catch (TimeoutException e) {
            decode.cancel(true);
            worker.shutdownNow();
            worker = newWorker();
            outcome = "still decoding after " + TIMEOUT_SECONDS + " s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CheckpointException c) {
                outcome = c.getMessage() != null && NAMES_OFFSET_OR_FIELD.matcher(c.getMessage()).matches() ? null
                        : "CheckpointException naming no byte offset and no field: " + c.getMessage();
            } else {
                outcome = describe(cause);
            }
        }
        if (!Arrays.equals(before, bytes)) {
            outcome = (outcome == null ? "" : outcome + "; ") + "the input's bytes were changed";
        }
        return outcome;
    }

    /** "" when a decoded checkpoint encodes and decodes to itself, else the difference. */
    static String roundTrips(Checkpoint c) {
        return difference(c, CheckpointCodec.decode(CheckpointCodec.encode(c)));
    }

    /**
     * "" when a decoded checkpoint round-trips and says what its entries say: every manifest field written for
     * it has the value the decoded manifest has (a number as a number, a string as a string), and every array
     * written for it has the bytes of the entry of that name. Else the first disagreement.
     */
    static String agreesWithItsEntries(List<Map.Entry<String, byte[]>> input, Checkpoint c) {
        String roundTrip = roundTrips(c);
        if (!roundTrip.isEmpty()) {
            return roundTrip;
        }
        Map<String, byte[]> read = new java.util.HashMap<>();
        input.forEach(e -> read.put(e.getKey(), e.getValue()));
        for (Map.Entry<String, byte[]> written : entries(CheckpointCodec.encode(c))) {
            byte[] given = read.get(written.getKey());
            if (given == null) {
                return "entry " + written.getKey() + " was not in the input";
            }
            if (written.getKey().equals("checkpoint.json")) {
                try {
                    String diff = sameValues(JSON.readTree(written.getValue()), JSON.readTree(given), "");
                    if (!diff.isEmpty()) {
                        return diff;
                    }
                } catch (IOException e) {
                    return "manifest unreadable: " + e.getMessage();
                }
            } else if (!Arrays.equals(written.getValue(), given)) {
                return "entry " + written.getKey() + " differs from the input's";
            }
        }
        return "";
    }

    /** "" when every value of {@code written} is at the same path in {@code given}, of the same kind and value. */
    private static String sameValues(JsonNode written, JsonNode given, String path) {
        if (given == null) {
            return "manifest field " + path + " was not in the input";
        }
        if (written.isObject()) {
            for (var it = written.fields(); it.hasNext(); ) {
                var f = it.next();
                String diff = sameValues(f.getValue(), given.get(f.getKey()), path + "/" + f.getKey());
                if (!diff.isEmpty()) {
                    return diff;
                }
            }
            return "";
        }
        if (written.isArray()) {
            if (!given.isArray() || given.size() != written.size()) {
                return "manifest field " + path + " is " + given + ", decoded as " + written;
            }
            for (int i = 0; i < written.size(); i++) {
                String diff = sameValues(written.get(i), given.get(i), path + "/" + i);
                if (!diff.isEmpty()) {
                    return diff;
                }
            }
            return "";
        }
        boolean same = written.isNumber() ? given.isNumber() && written.decimalValue().compareTo(given.decimalValue()) == 0
                : written.equals(given);
        return same ? "" : "manifest field " + path + " is " + given + ", decoded as " + written;
    }

    /** "" when the two hold the same values in every field, else the first that differs. */
    static String difference(Checkpoint a, Checkpoint b) {
        if (!a.experimentId().equals(b.experimentId()) || !a.method().equals(b.method())) {
            return "id or method differ";
        }
        if (!a.model().equals(b.model()) || !a.position().equals(b.position())) {
            return "model or position differ: " + b.model() + ", " + b.position();
        }
        if (a.seed() != b.seed() || a.rngState() != b.rngState()) {
            return "seed or random state differ";
        }
        if (!Arrays.equals(a.params(), b.params()) || !Arrays.equals(a.buffers(), b.buffers())) {
            return "params or buffers differ";
        }
        if (!a.optimizer().name().equals(b.optimizer().name()) || a.optimizer().steps() != b.optimizer().steps()
                || a.optimizer().vectors().size() != b.optimizer().vectors().size()) {
            return "optimizer differs";
        }
        for (int k = 0; k < a.optimizer().vectors().size(); k++) {
            if (!Arrays.equals(a.optimizer().vectors().get(k), b.optimizer().vectors().get(k))) {
                return "optimizer vector " + k + " differs";
            }
        }
        if (!a.extras().keySet().equals(b.extras().keySet())) {
            return "extras differ: " + b.extras().keySet();
        }
        for (String name : a.extras().keySet()) {
            if (!Arrays.equals(a.extras().get(name), b.extras().get(name))) {
                return "extra " + name + " differs";
            }
        }
        return "";
    }

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getClass().getName() + ": " + t.getMessage());
        StackTraceElement[] trace = t.getStackTrace();
        for (int k = 0; k < Math.min(8, trace.length); k++) {
            sb.append("\n        at ").append(trace[k]);
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ checkpoint structure

    private static byte[] payload(byte[] file) {
        return Arrays.copyOfRange(file, 48, file.length);
    }

    /** The payload's entries in order. */
    static List<Map.Entry<String, byte[]>> entries(byte[] file) {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(payload(file)))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.add(new SimpleEntry<>(e.getName(), in.readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static final java.time.LocalDateTime FIXED_TIME = java.time.LocalDateTime.of(2024, 1, 1, 0, 0);

    /** The checkpoint as the codec encodes it, but with fixed entry times, so that its bytes do not depend on the clock. */
    static byte[] encoded(Checkpoint c) {
        return CheckpointCodec.seal(CheckpointCodec.FORMAT_VERSION, zip(entries(CheckpointCodec.encode(c))));
    }

    /** The entries zipped as the codec does; a name given twice is written twice. */
    static byte[] zip(List<Map.Entry<String, byte[]>> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int k = 0; k < entries.size(); k++) {
                Map.Entry<String, byte[]> e = entries.get(k);
                // ZipOutputStream refuses a name twice: a later one goes in under a stand-in, patched below
                boolean again = entries.subList(0, k).stream().anyMatch(x -> x.getKey().equals(e.getKey()));
                if (again && e.getKey().isEmpty()) {
                    continue; // no stand-in for an empty name
                }
                ZipEntry entry = new ZipEntry(again ? standIn(e.getKey()) : e.getKey());
                entry.setTimeLocal(FIXED_TIME); // the same bytes on every run, so that an input is rebuilt from its seed
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = out.toByteArray();
        for (Map.Entry<String, byte[]> e : entries) {
            replaceAll(bytes, standIn(e.getKey()).getBytes(StandardCharsets.UTF_8), e.getKey().getBytes(StandardCharsets.UTF_8));
        }
        return bytes;
    }

    /** The name with its first character replaced by '~': the same length, so that the patch keeps offsets. */
    private static String standIn(String name) {
        return name.isEmpty() ? name : "~" + name.substring(1);
    }

    private static void replaceAll(byte[] bytes, byte[] from, byte[] to) {
        if (from.length == 0 || Arrays.equals(from, to)) {
            return;
        }
        for (int i = 0; i + from.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, bytes, i, to.length);
            }
        }
    }

    /** A change to checkpoint.json: a field removed, nulled, of another type or at an edge value, or its text damaged. */
    private static String manifest(List<Map.Entry<String, byte[]>> entries, Random random) {
        int k = indexOf(entries, "checkpoint.json");
        if (k < 0) {
            return "no manifest to change";
        }
        byte[] text = entries.get(k).getValue();
        if (random.nextInt(4) == 0) {
            Mutant m = switch (random.nextInt(4)) {
                case 0 -> new Mutant("nested 100,000 arrays deep", ("[".repeat(100_000) + "]".repeat(100_000))
                        .getBytes(StandardCharsets.UTF_8));
                case 1 -> new Mutant("a key given twice", new String(text, StandardCharsets.UTF_8)
                        .replaceFirst("\\{", "{\"seed\" : \"twice\",").getBytes(StandardCharsets.UTF_8));
                default -> mutate(text, random);
            };
            entries.set(k, new SimpleEntry<>("checkpoint.json", m.bytes()));
            return "checkpoint.json text: " + m.description();
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            return "manifest already unreadable";
        }
        List<ObjectNode> parents = new ArrayList<>();
        collectObjects(root, parents);
        ObjectNode parent = parents.get(random.nextInt(parents.size()));
        List<String> names = new ArrayList<>();
        parent.fieldNames().forEachRemaining(names::add);
        if (names.isEmpty()) {
            return "an empty object left alone";
        }
        String field = names.get(random.nextInt(names.size()));
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonNode[] replacements = {null, f.nullNode(), f.textNode("x"), f.textNode(""), f.booleanNode(true), f.arrayNode(),
            f.objectNode(), f.numberNode(0), f.numberNode(-1), f.numberNode(Integer.MAX_VALUE), f.numberNode(Long.MIN_VALUE),
            f.numberNode(1e308), f.numberNode(-0.0), f.numberNode(2.5), f.numberNode(new java.math.BigInteger("1" + "0".repeat(40))),
            f.textNode("../../etc/passwd"), f.textNode("bad name!"), f.arrayNode().add("inner-rates").add("inner-rates"),
            f.arrayNode().add(7).add(f.objectNode())};
        JsonNode value = replacements[random.nextInt(replacements.length)];
        if (value == null) {
            parent.remove(field);
        } else {
            parent.set(field, value);
        }
        try {
            entries.set(k, new SimpleEntry<>("checkpoint.json", JSON.writeValueAsBytes(root)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "manifest field '" + field + "' " + (value == null ? "removed" : "set to " + value);
    }

    private static void collectObjects(JsonNode node, List<ObjectNode> out) {
        if (node instanceof ObjectNode o) {
            out.add(o);
            o.elements().forEachRemaining(child -> collectObjects(child, out));
        } else if (node instanceof ArrayNode a) {
            a.elements().forEachRemaining(child -> collectObjects(child, out));
        }
    }

    /** A change to the array entries: cut, resized, emptied, removed, renamed, doubled, unknown ones added, reordered. */
    private static String arrays(List<Map.Entry<String, byte[]>> entries, Random random) {
        int k = random.nextInt(entries.size());
        Map.Entry<String, byte[]> e = entries.get(k);
        byte[] b = e.getValue();
        switch (random.nextInt(9)) {
            case 0 -> {
                int n = random.nextInt(b.length + 1);
                entries.set(k, new SimpleEntry<>(e.getKey(), Arrays.copyOf(b, n)));
                return e.getKey() + " cut to " + n + " bytes";
            }
            case 1 -> {
                int n = b.length + 4 * (1 + random.nextInt(8));
                entries.set(k, new SimpleEntry<>(e.getKey(), Arrays.copyOf(b, n)));
                return e.getKey() + " grown to " + n + " bytes";
            }
            case 2 -> {
                entries.remove(k);
                return e.getKey() + " removed";
            }
            case 3 -> {
                String[] names = {"Params.f32", "params.f32 ", "optimizer-2.f32", "optimizer--1.f32", "extra-.f32",
                    "extra-x.f32", "../params.f32", "/params.f32", "params.f32/", ""};
                String name = names[random.nextInt(names.length)];
                entries.set(k, new SimpleEntry<>(name, b));
                return e.getKey() + " renamed to '" + name + "'";
            }
            case 4 -> {
                Map.Entry<String, byte[]> other = entries.get(random.nextInt(entries.size()));
                entries.add(random.nextInt(entries.size() + 1), new SimpleEntry<>(e.getKey(), other.getValue()));
                return "a second " + e.getKey() + " with the bytes of " + other.getKey();
            }
            case 5 -> {
                entries.add(new SimpleEntry<>("unknown.bin", new byte[] {1, 2, 3}));
                return "an unknown entry added";
            }
            case 6 -> {
                Collections.shuffle(entries, random);
                return "entries shuffled";
            }
            case 7 -> {
                Mutant m = mutate(b, random);
                entries.set(k, new SimpleEntry<>(e.getKey(), m.bytes()));
                return e.getKey() + ": " + m.description();
            }
            default -> {
                // NaN and infinities are floats like any other; a checkpoint may hold them
                byte[] out = b.clone();
                if (out.length >= 4) {
                    int at = 4 * random.nextInt(out.length / 4);
                    int bits = new int[] {0x7FC00000, 0x7F800000, 0xFF800000, 0x00000001}[random.nextInt(4)];
                    for (int j = 0; j < 4; j++) {
                        out[at + j] = (byte) (bits >>> (8 * j));
                    }
                }
                entries.set(k, new SimpleEntry<>(e.getKey(), out));
                return e.getKey() + ": a special float";
            }
        }
    }

    private static int indexOf(List<Map.Entry<String, byte[]>> entries, String name) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).getKey().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ byte mutations

    /** A malformed input and how it was made. */
    record Mutant(String description, byte[] bytes) {
    }

    private static final long[] EDGE_VALUES = {0, 1, 0x7F, 0xFF, 0xFFFF, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL,
        0x10000000L, Long.MAX_VALUE, Long.MIN_VALUE, -1L, 48, 2, 3, 4};

    private static long edgeValue(Random random) {
        return EDGE_VALUES[random.nextInt(EDGE_VALUES.length)];
    }

    /** A truncation, flipped bytes, inserted or deleted bytes, a field at an edge value, or a copied range. */
    static Mutant mutate(byte[] in, Random random) {
        byte[] out;
        String what;
        switch (in.length == 0 ? 2 : random.nextInt(6)) {
            case 0 -> {
                int n = random.nextBoolean() ? random.nextInt(in.length) : Math.max(0, in.length - 1 - random.nextInt(24));
                out = Arrays.copyOf(in, n);
                what = "truncated to " + n + " of " + in.length + " bytes";
            }
            case 1 -> {
                out = in.clone();
                StringBuilder sb = new StringBuilder("flipped");
                for (int k = 1 + random.nextInt(4); k > 0; k--) {
                    int at = random.nextInt(out.length);
                    int mask = 1 + random.nextInt(255);
                    out[at] ^= (byte) mask;
                    sb.append(" byte ").append(at).append(" ^0x").append(Integer.toHexString(mask));
                }
                what = sb.toString();
            }
            case 2 -> {
                int at = random.nextInt(in.length + 1);
                byte[] extra = new byte[1 + random.nextInt(16)];
                random.nextBytes(extra);
                out = new byte[in.length + extra.length];
                System.arraycopy(in, 0, out, 0, at);
                System.arraycopy(extra, 0, out, at, extra.length);
                System.arraycopy(in, at, out, at + extra.length, in.length - at);
                what = extra.length + " random bytes inserted at " + at;
            }
            case 3 -> {
                int at = random.nextInt(in.length);
                int n = Math.min(in.length - at, 1 + random.nextInt(16));
                out = new byte[in.length - n];
                System.arraycopy(in, 0, out, 0, at);
                System.arraycopy(in, at + n, out, at, in.length - at - n);
                what = n + " bytes deleted at " + at;
            }
            case 4 -> {
                int width = new int[] {1, 2, 4, 8}[random.nextInt(4)];
                if (in.length < width) {
                    return mutate(Arrays.copyOf(in, in.length), random);
                }
                return setField(in, random.nextInt(in.length - width + 1), width, edgeValue(random));
            }
            default -> {
                int from = random.nextInt(in.length);
                int n = 1 + random.nextInt(Math.min(in.length - from, 300));
                int at = random.nextInt(in.length + 1);
                out = new byte[in.length + n];
                System.arraycopy(in, 0, out, 0, at);
                System.arraycopy(in, from, out, at, n);
                System.arraycopy(in, at, out, at + n, in.length - at);
                what = n + " bytes from " + from + " copied to " + at;
            }
        }
        return new Mutant(what, out);
    }

    /** The big-endian {@code width}-byte field at {@code at} set to {@code value}'s low bytes. */
    static Mutant setField(byte[] in, int at, int width, long value) {
        byte[] out = in.clone();
        for (int k = 0; k < width; k++) {
            out[at + k] = (byte) (value >>> (8 * (width - 1 - k)));
        }
        return new Mutant(width + "-byte field at " + at + " set to 0x" + Long.toHexString(value), out);
    }

    /** A size, name length or offset of a zip header (little-endian) set to an edge value. */
    static Mutant zipHeaderField(byte[] zip, Random random) {
        List<int[]> fields = new ArrayList<>();
        for (int i = 0; i + 46 <= zip.length; i++) {
            int sig = (zip[i] & 0xFF) | (zip[i + 1] & 0xFF) << 8 | (zip[i + 2] & 0xFF) << 16 | (zip[i + 3] & 0xFF) << 24;
            if (sig == 0x04034b50) {
                for (int[] f : new int[][] {{18, 4}, {22, 4}, {26, 2}, {28, 2}, {6, 2}, {8, 2}}) {
                    fields.add(new int[] {i + f[0], f[1]});
                }
            } else if (sig == 0x02014b50) {
                for (int[] f : new int[][] {{20, 4}, {24, 4}, {28, 2}, {30, 2}, {42, 4}}) {
                    fields.add(new int[] {i + f[0], f[1]});
                }
            }
        }
        if (fields.isEmpty()) {
            return mutate(zip, random);
        }
        int[] f = fields.get(random.nextInt(fields.size()));
        long value = edgeValue(random);
        byte[] out = zip.clone();
        for (int k = 0; k < f[1]; k++) {
            out[f[0] + k] = (byte) (value >>> (8 * k));
        }
        return new Mutant("zip header field at " + f[0] + " (" + f[1] + " bytes) set to 0x" + Long.toHexString(value), out);
    }

    // ------------------------------------------------------------------ regressions

    /** The sample's entries with one manifest field (found by name, at any depth) set to {@code value}, sealed. */
    private static byte[] withManifestField(String field, JsonNode value) throws IOException {
        List<Map.Entry<String, byte[]>> entries = entries(encoded(sample()));
        int k = indexOf(entries, "checkpoint.json");
        JsonNode root = JSON.readTree(entries.get(k).getValue());
        List<ObjectNode> objects = new ArrayList<>();
        collectObjects(root, objects);
        ObjectNode parent = objects.stream().filter(o -> o.has(field)).findFirst().orElseThrow();
        parent.set(field, value);
        entries.set(k, new SimpleEntry<>("checkpoint.json", JSON.writeValueAsBytes(root)));
        return CheckpointCodec.seal(3, zip(entries));
    }

    private static CheckpointException rejected(byte[] file) {
        return assertThrows(CheckpointException.class, () -> CheckpointCodec.decode(file));
    }

    /**
     * Payload-layer inputs such as "#33 zip header field at 26 (2 bytes) set to 0xff" (the first entry's name
     * length: the name runs into the deflated data) escaped as {@code IllegalArgumentException: malformed input},
     * ZipInputStream's answer to a name that is not UTF-8.
     */
    @Test
    void anEntryNameThatIsNotUtf8IsACheckpointException() {
        byte[] payload = payload(encoded(sample()));
        payload[26] = (byte) 0xFF;
        payload[27] = 0;
        CheckpointException e = rejected(CheckpointCodec.seal(3, payload));
        assertTrue(e.getMessage().startsWith("checkpoint payload is not a readable zip: reading stopped by byte "),
                e.getMessage());
        assertTrue(e.getCause() instanceof IllegalArgumentException, String.valueOf(e.getCause()));
    }

    /** Inputs like "#0 5 random bytes inserted at 1095" were refused without naming where ("announces 1293 payload bytes"). */
    @Test
    void envelopeAndZipErrorsNameTheByte() {
        byte[] file = encoded(sample());
        byte[] longer = Arrays.copyOf(file, file.length + 5);
        assertTrue(rejected(longer).getMessage().contains("(length at byte 8)"));
        assertEquals("checkpoint truncated at byte 10: the header alone has 48 bytes",
                rejected(Arrays.copyOf(file, 10)).getMessage());
        byte[] payload = payload(file);
        String cut = rejected(CheckpointCodec.seal(3, Arrays.copyOf(payload, payload.length / 2))).getMessage();
        assertTrue(cut.matches("checkpoint payload is not a readable zip \\(last entry read: '[^']+'\\): reading stopped by "
                + "byte \\d+: .+"), cut);
    }

    /**
     * Entry-layer inputs like "#737 manifest field 'vectors' set to [7,{}]" (Adam's state vectors dropped: read as 0
     * of them), "#712 'batch' set to \"../../etc/passwd\"" (read as batch 0), "#378 'channels' set to 1.0E308" (read as
     * 2147483647), "learnTemperature set to 0" (read as false) decoded without error: JsonNode.asInt and its kind
     * make 0, 1 or a clamped value of anything. A field of another type is now named.
     */
    @Test
    void aManifestFieldOfAnotherTypeIsNamedNotReadAsZero() throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Map<String, JsonNode> cases = new java.util.LinkedHashMap<>();
        cases.put("vectors", f.arrayNode().add(7).add(f.objectNode()));
        cases.put("batch", f.textNode("../../etc/passwd"));
        cases.put("channels", f.numberNode(1e308));
        cases.put("epoch", f.numberNode(new java.math.BigInteger("1" + "0".repeat(40))));
        cases.put("learnTemperature", f.numberNode(0));
        cases.put("method", f.numberNode(0));
        cases.put("temperature", f.textNode("2.5"));
        for (var c : cases.entrySet()) {
            CheckpointException e = rejected(withManifestField(c.getKey(), c.getValue()));
            assertTrue(e.getMessage().startsWith("checkpoint manifest field '" + c.getKey() + "' is " + c.getValue() + ", not "),
                    e.getMessage());
        }
    }

    /** "#723 manifest field 'extras' set to -0.0" decoded as no extras; a negative vector count decoded as none. */
    @Test
    void extrasThatAreNoListAndANegativeVectorCountAreNamed() throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        assertEquals("checkpoint manifest field 'extras' is -0.0, not a list of names",
                rejected(withManifestField("extras", f.numberNode(-0.0))).getMessage());
        assertEquals("checkpoint manifest field 'extras' lists \"inner-rates\" twice",
                rejected(withManifestField("extras", f.arrayNode().add("inner-rates").add("inner-rates"))).getMessage());
        assertEquals("checkpoint manifest field 'vectors' is -1, not a count",
                rejected(withManifestField("vectors", f.numberNode(-1))).getMessage());
    }

    /** A zip with an entry twice was read taking the last; which one was meant is unknown, so it is refused. */
    @Test
    void anEntryGivenTwiceIsRefused() {
        List<Map.Entry<String, byte[]>> entries = new ArrayList<>(entries(encoded(sample())));
        entries.add(new SimpleEntry<>("params.f32", new byte[48]));
        CheckpointException e = rejected(CheckpointCodec.seal(3, zip(entries)));
        assertTrue(e.getMessage().startsWith("checkpoint has the entry 'params.f32' twice"), e.getMessage());
    }

    /** An optimizer vector that does not fit the parameters is named by its entry (was "checkpoint is inconsistent: ..."). */
    @Test
    void anOptimizerVectorOfAnotherLengthIsNamedByItsEntry() {
        List<Map.Entry<String, byte[]>> entries = new ArrayList<>(entries(encoded(sample())));
        int k = indexOf(entries, "optimizer-1.f32");
        entries.set(k, new SimpleEntry<>("optimizer-1.f32", new byte[8]));
        assertEquals("checkpoint entry 'optimizer-1.f32' holds 2 values, 'params.f32' 12: an optimizer state vector has one"
                + " value per parameter", rejected(CheckpointCodec.seal(3, zip(entries))).getMessage());
        assertArrayEquals(sample().params(), CheckpointCodec.decode(encoded(sample())).params());
    }
}
