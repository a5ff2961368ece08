package io.metaloop.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.frame.FrameCodec;
import io.metaloop.contracts.frame.FrameException;
import io.metaloop.contracts.spec.Checks;
import io.metaloop.contracts.spec.EvaluationSpec;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every record type a service consumes from Kafka or reads back from the object store, fed 1,200
 * malformed variants each (seeded {@link JsonMutator} mutations of valid JSON written by
 * {@link Json#write} from real instances, plus random bytes) through the consumer's own call,
 * {@link Json#read}; and the binary batch frames, fed 3,000 byte mutations of encoded frames
 * through {@link FrameCodec#decode}. Each input must either parse to a valid object (its nested
 * specs pass their checks and it writes and reads back equal) or be refused with an
 * {@link InvalidMessageException} whose every error names a field of the type, or the line and
 * column where the JSON breaks (frames: a {@link FrameException} with a byte offset inside the
 * frame). Any other exception is a crash of the consumer. Inputs that once failed are kept below
 * as explicit regression cases.
 */
class RecordFuzzTest {
    private static final int PER_TYPE = 1_200;
    private static final int FRAMES = 3_000;
    private static final Instant AT = Instant.parse("2026-11-23T10:18:00Z");
    private static final Pattern POSITION = Pattern.compile("line \\d+, column \\d+");

    // real instances of every consumed type, and of the types nested in them
    static final ExperimentSpec PROTONET = Presets.find("protonet-omniglot-5w1s").orElseThrow().spec();
    static final ExperimentSpec SIMCLR = Presets.find("simclr-cifar10-conv4").orElseThrow().spec();
    static final ExperimentSpec MAXL = Presets.find("maxl-cifar100-3-10").orElseThrow().spec();
    static final DatasetInfo OMNIGLOT = new DatasetInfo("omniglot", 1, 28, 28,
            List.of(new DatasetInfo.Level("class", List.of("a", "b", "c", "d", "e")),
                    new DatasetInfo.Level("alphabet", List.of("x", "y"))),
            Map.of("train", 100L, "test", 50L), Map.of("test", new DatasetInfo.SplitClasses(5, 10)));
    static final FewShotProtocol PROTOCOL = new FewShotProtocol("ab".repeat(32), "omniglot", "cd".repeat(32), "test", 1, 28,
            28, 5, 1, 15, 600, 0);
    static final FewShotShard SHARD = new FewShotShard("eval-1", true, PROTONET.evaluation(), PROTOCOL, PROTONET, OMNIGLOT,
            "last", 100, 200, 6);
    static final FewShotTask TASK = new FewShotTask("task-0123456789ab", PROTONET, OMNIGLOT, PROTONET.evaluation(), "last",
            List.of("boot", "shirt"), List.of(2, 1), List.of("boot/q2.png", "shirt/q1.png"), true);
    static final LinearEvalJob LINEAR = new LinearEvalJob(SIMCLR.linearEvaluation(), 10);
    static final FewShotSummary SUMMARY = new FewShotSummary("eval-1", true, PROTOCOL, "last", "method", null, "transductive",
            600, 0.97, 0.1, 0.008, 0.0081, 4, 0.009, "reports/exp-1/eval-1/report.json");
    static final ValidationPoint VALIDATION = new ValidationPoint(3, 0.91, 0.02, 600, 12.5, true,
            "checkpoints/exp-1/epoch-0003.ckpt");

    static List<Object> instances(Class<?> type) {
        EvalResult fewShotResult = new EvalResult("exp-1", "omniglot", "test", "checkpoints/exp-1/epoch-0003.ckpt", 9000,
                8700, 0.97, 20.5, "evaluator-1", AT, SUMMARY);
        List<Object> all = switch (type.getSimpleName()) {
            case "TrainJob" -> List.of(sample("train-job.json", TrainJob.class), new TrainJob("exp-1", PROTONET, OMNIGLOT, 2, AT),
                    new TrainJob("exp-2", MAXL, OMNIGLOT, 1, AT));
            case "EvalRequest" -> List.of(sample("eval-request.json", EvalRequest.class),
                    new EvalRequest("exp-1", "omniglot", "test", "checkpoints/exp-1/epoch-0003.ckpt", AT, SHARD),
                    new EvalRequest("exp-1", "omniglot", "task", "checkpoints/exp-1/epoch-0003.ckpt", AT, null, TASK),
                    EvalRequest.linear("exp-3", "checkpoints/exp-3/epoch-0001.ckpt", AT, LINEAR),
                    EvalRequest.wholeSplit("exp-3", "cifar10", "test", "k", AT, SIMCLR.normalize(), 1));
            case "EvalResult" -> List.of(sample("eval-result.json", EvalResult.class), fewShotResult,
                    new EvalResult("exp-3", "cifar10", "test", "k", 10000, 6100, 0.61, 30, "evaluator-2", AT, null,
                            new LinearEvalSummary(SIMCLR.linearEvaluation(), 10, 50000, 0.7, 0.9, 12, 4, true), null),
                    new EvalResult("exp-4", "cifar100", "test", "k", 100, 50, 0.5, 3, "evaluator-3", AT, null, null,
                            new GeneratedLabels(List.of(new GeneratedLabels.PrimaryClass(0, 10, 3, 2, 1.8,
                                    List.of(0.5, 0.3, 0.2))))));
            case "JobEvent" -> List.of(sample("job-event.json", JobEvent.class),
                    new JobEvent("exp-1", JobEvent.Type.VALIDATED, "trainer-1", new Progress(3, 10, 0, 100),
                            new TrainingMetrics(0.5, 100, 10, 0.01), VALIDATION.checkpointKey(), null, AT, VALIDATION),
                    new JobEvent("exp-1", JobEvent.Type.FAILED, "trainer-1", null, null, null, "out of memory", AT));
            case "BatchRequest" -> List.of(sample("batch-request.json", BatchRequest.class));
            case "EpisodeRequest" -> List.of(sample("episode-request.json", EpisodeRequest.class));
            case "ExperimentRecord" -> List.of(sample("experiment-record.json", ExperimentRecord.class),
                    ExperimentRecord.queued("exp-1", PROTONET, AT)
                            .apply(new JobEvent("exp-1", JobEvent.Type.VALIDATED, "trainer-1", null, null,
                                    VALIDATION.checkpointKey(), null, AT, VALIDATION))
                            .apply(fewShotResult));
            case "FewShotShard" -> List.of(SHARD);
            case "LinearEvalJob" -> List.of(LINEAR);
            case "FewShotShardResult" -> List.of(new FewShotShardResult("exp-1", "eval-1", 100, 103,
                    List.of(new TrialResult(100, 14, 15), new TrialResult(101, 15, 15), new TrialResult(102, 0, 15)),
                    "evaluator-1", 1.5));
            case "TaskResult" -> List.of(TaskResult.succeeded("task-1", "exp-1", "best", "k", "method", List.of("a", "b"),
                            List.of(new TaskResult.Prediction("x.png", "a", "a", true),
                                    new TaskResult.Prediction("y.png", "a", "b", false)), "evaluator-1", 1.5, AT),
                    TaskResult.failed("task-3", "exp-1", "last", "k", "method", "no checkpoint", "evaluator-1", 0.1, AT));
            default -> throw new IllegalArgumentException(type.getName());
        };
        return all;
    }

    /** Each consumed type, with the consumer that parses it. */
    static List<Arguments> consumedTypes() {
        return List.of(
                Arguments.of(TrainJob.class, "trainer-service JobQueue on " + Topics.JOBS),
                Arguments.of(EvalRequest.class, "evaluator-service JobQueue on " + Topics.EVAL_REQUESTS),
                Arguments.of(BatchRequest.class, "dataset-service RequestServer on " + Topics.BATCH_REQUESTS),
                Arguments.of(EpisodeRequest.class, "episode-sampler RequestServer on " + Topics.EPISODE_REQUESTS),
                Arguments.of(JobEvent.class, "gateway EventConsumer on " + Topics.JOB_EVENTS),
                Arguments.of(EvalResult.class, "gateway EventConsumer on " + Topics.EVAL_RESULTS),
                Arguments.of(ExperimentRecord.class, "gateway ExperimentStore on " + Topics.EXPERIMENTS),
                Arguments.of(FewShotShard.class, "inside EvalRequest.fewShot"),
                Arguments.of(LinearEvalJob.class, "inside EvalRequest.linear"),
                Arguments.of(FewShotShardResult.class, "evaluator-service, shard results in the object store"),
                Arguments.of(TaskResult.class, "gateway TaskService, task results in the object store"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("consumedTypes")
    void everyMalformedRecordParsesValidOrIsRefusedNamingItsField(Class<?> type, String consumer) {
        List<byte[]> valid = instances(type).stream().map(Json::write).toList();
        for (byte[] v : valid) {
            assertEquals(Outcome.PARSED, classify(v, type).outcome(), "a valid " + type.getSimpleName() + " must parse");
        }
        Random random = new Random(type.getSimpleName().hashCode());
        JsonMutator mutator = new JsonMutator(random);
        int parsed = 0;
        int refused = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < PER_TYPE; i++) {
            byte[] input;
            if (i % 20 == 19) {
                input = new byte[random.nextInt(300)];
                random.nextBytes(input);
            } else {
                input = mutator.mutate(valid.get(i % valid.size()));
            }
            Result r = classify(input, type);
            switch (r.outcome()) {
                case PARSED -> parsed++;
                case REFUSED -> refused++;
                default -> {
                    if (failures.size() < 20) {
                        failures.add(r.outcome() + " " + r.detail() + "\n    input: " + preview(input));
                    }
                }
            }
        }
        int bad = PER_TYPE - parsed - refused;
        System.out.printf("fuzz Kafka %s (%s): %d records, %d parsed valid, %d refused with a named field, %d crashes or "
                + "unnamed errors%n", type.getSimpleName(), consumer, PER_TYPE, parsed, refused, bad);
        assertEquals(List.of(), failures, type.getSimpleName() + ": " + bad + " inputs crashed the parser, were refused "
                + "without a named field, or parsed into an invalid object");
    }

    /**
     * Inputs that once were refused without naming their field (under "$" with Jackson's "Cannot
     * construct instance of …" or with no position), or accepted although a nested spec was
     * invalid, each kept with the field it must now be refused under.
     */
    static List<Arguments> regressions() {
        Object batch = instances(BatchRequest.class).get(0);
        Object episode = instances(EpisodeRequest.class).get(0);
        return List.of(
                // IllegalArgumentException from Topics.batches: "$: … Cannot construct instance of BatchRequest, problem: stream id must match …"
                Arguments.of(BatchRequest.class, with(batch, "streamId", "\"a/b\""), "streamId"),
                Arguments.of(EpisodeRequest.class, with(episode, "streamId", "\"\""), "streamId"),
                // a null class name: NullPointerException in List.copyOf, "Cannot construct instance of DatasetInfo$Level"
                Arguments.of(TrainJob.class, with(instances(TrainJob.class).get(0), "dataset.levels[0].classes[1]", "null"),
                        "dataset.levels[0].classes[1]"),
                // nested specs that no constructor checked: accepted, and handed to the evaluator
                Arguments.of(LinearEvalJob.class, with(LINEAR, "settings.normalize.std[0]", "0"), "settings.normalize.std[0]"),
                Arguments.of(EvalRequest.class, with(instances(EvalRequest.class).get(1), "fewShot.evaluation.ways", "0"),
                        "fewShot.evaluation.ways"),
                Arguments.of(EvalRequest.class, with(instances(EvalRequest.class).get(2), "task.evaluation.head", "\"x\""),
                        "task.evaluation.head"),
                Arguments.of(EvalRequest.class, with(instances(EvalRequest.class).get(4), "normalize.std[0]", "-1"),
                        "normalize.std[0]"),
                // an object where a record belongs: "Cannot construct instance of TrialResult (although at least one Creator exists)"
                Arguments.of(FewShotShardResult.class, with(instances(FewShotShardResult.class).get(0), "trials[0]", "true"),
                        "trials[0]"),
                Arguments.of(JobEvent.class, with(instances(JobEvent.class).get(0), "metrics", "false"), "metrics"),
                // a number past the parser's length limit: "$: not a valid TaskResult at input: …", no position
                Arguments.of(TaskResult.class, with(instances(TaskResult.class).get(0), "seconds", "1" + "0".repeat(1200)), "$"),
                // junk after the document was ignored
                Arguments.of(JobEvent.class, Json.writeString(instances(JobEvent.class).get(0)) + "}", "$"),
                Arguments.of(EvalResult.class, Json.writeString(instances(EvalResult.class).get(0)) + "{}", "$"));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("regressions")
    void inputsThatOnceFailedAreRefusedNamingTheirField(Class<?> type, String json, String field) {
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> Json.read(json.getBytes(StandardCharsets.UTF_8), type));
        assertTrue(e.errors().stream().anyMatch(err -> err.field().equals(field)), e.getMessage());
        assertEquals(new Result(Outcome.REFUSED, e.getMessage()), classify(json.getBytes(StandardCharsets.UTF_8), type));
    }

    /**
     * A record that once was accepted but could not be read back once written: the null {@code std}
     * of a result's normalisation was left out when written, and then missing when read, so an
     * experiment stored with that result could no longer be read from its topic.
     */
    @Test
    void aRecordThatOnceCouldNotBeReadBackAfterWritingRoundTrips() {
        String json = with(instances(EvalResult.class).get(2), "linear.settings.normalize.std", "null");
        assertEquals(Outcome.PARSED, classify(json.getBytes(StandardCharsets.UTF_8), EvalResult.class).outcome());
        ExperimentRecord stored = ExperimentRecord.queued("exp-3", SIMCLR, AT).apply(Json.read(json, EvalResult.class));
        assertEquals(stored, Json.read(Json.write(stored), ExperimentRecord.class));
    }

    /** {@code instance}'s JSON with the value at {@code path} ({@code a.b[2].c}) replaced by the raw JSON {@code value}. */
    static String with(Object instance, String path, String value) {
        try {
            com.fasterxml.jackson.databind.ObjectMapper tree = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.JsonNode root = tree.readTree(Json.write(instance));
            String[] steps = path.replace("[", ".[").split("\\.");
            com.fasterxml.jackson.databind.JsonNode parent = root;
            for (int i = 0; i < steps.length - 1; i++) {
                parent = steps[i].startsWith("[") ? parent.get(Integer.parseInt(steps[i].substring(1, steps[i].length() - 1)))
                        : parent.get(steps[i]);
            }
            String last = steps[steps.length - 1];
            com.fasterxml.jackson.databind.node.TextNode mark = new com.fasterxml.jackson.databind.node.TextNode("@@here@@");
            if (last.startsWith("[")) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) parent).set(Integer.parseInt(last.substring(1, last.length() - 1)),
                        mark);
            } else {
                ((com.fasterxml.jackson.databind.node.ObjectNode) parent).set(last, mark);
            }
            return tree.writeValueAsString(root).replace("\"@@here@@\"", value);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    enum Outcome { PARSED, REFUSED, INVALID_OBJECT, UNNAMED, CRASH }

    record Result(Outcome outcome, String detail) {
    }

    /** What the consumer's parse call makes of {@code input}. */
    static Result classify(byte[] input, Class<?> type) {
        Object parsed;
        try {
            parsed = Json.read(input, type);
        } catch (InvalidMessageException e) {
            for (FieldError err : e.errors()) {
                if (!named(err, type)) {
                    return new Result(Outcome.UNNAMED, err.toString());
                }
            }
            return new Result(Outcome.REFUSED, e.getMessage());
        } catch (Throwable t) {
            return new Result(Outcome.CRASH, t.toString());
        }
        try {
            List<FieldError> problems = new ArrayList<>();
            checkNested(parsed, "", problems, new HashSet<>());
            if (!problems.isEmpty()) {
                return new Result(Outcome.INVALID_OBJECT, "accepted with " + problems);
            }
            Object again = Json.read(Json.write(parsed), type);
            if (!again.equals(parsed)) {
                return new Result(Outcome.INVALID_OBJECT, "reads back different: " + parsed + " vs " + again);
            }
        } catch (Throwable t) {
            return new Result(Outcome.INVALID_OBJECT, "accepted but cannot be written and read back: " + t);
        }
        return new Result(Outcome.PARSED, "");
    }

    /**
     * Whether an error names its place: a path whose first segment is a JSON field of the type, or
     * {@code $} with the line and column where the document breaks; in words, not Jackson's
     * internals.
     */
    static boolean named(FieldError err, Class<?> type) {
        if (err.field() == null || err.field().isBlank() || err.message() == null || err.message().isBlank()) {
            return false;
        }
        if (err.message().contains("Cannot construct instance") || err.message().contains("java.lang.")
                || err.message().contains("Exception")) {
            return false;
        }
        if (err.field().equals("$")) {
            return POSITION.matcher(err.message()).find() || err.message().startsWith("empty message");
        }
        String first = err.field().split("[.\\[]", 2)[0];
        return fields(type).contains(first);
    }

    static Set<String> fields(Class<?> type) {
        Set<String> names = new HashSet<>();
        for (RecordComponent c : type.getRecordComponents()) {
            JsonProperty renamed = c.getAnnotation(JsonProperty.class);
            names.add(renamed != null && !renamed.value().isEmpty() ? renamed.value() : c.getName());
        }
        return names;
    }

    /**
     * Runs the {@code check(path, Checks)} of every spec nested in a parsed record (ExperimentSpec
     * checks its own). A result's echo of the settings it ran with ({@link LinearEvalSummary}) is
     * taken as reported: refusing it would drop the result, and an experiment stored with it.
     */
    static void checkNested(Object value, String path, List<FieldError> out, Set<Object> seen) {
        if (value == null || value instanceof LinearEvalSummary || !seen.add(new Identity(value))) {
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object element : list) {
                checkNested(element, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                checkNested(e.getValue(), path + "." + e.getKey(), out, seen);
            }
            return;
        }
        if (!value.getClass().isRecord() || value instanceof ExperimentSpec) {
            return;
        }
        try {
            Method check = value.getClass().getMethod("check", String.class, Checks.class);
            Checks c = new Checks();
            check.invoke(value, path, c);
            out.addAll(c.errors());
        } catch (NoSuchMethodException e) {
            // not a spec
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
        }
        for (RecordComponent c : value.getClass().getRecordComponents()) {
            try {
                checkNested(c.getAccessor().invoke(value), path.isEmpty() ? c.getName() : path + "." + c.getName(), out, seen);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private record Identity(Object o) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Identity i && i.o == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(o);
        }
    }

    private static Object sample(String name, Class<?> type) {
        try (var in = RecordFuzzTest.class.getResourceAsStream("/contracts/" + name)) {
            return Json.read(in.readAllBytes(), type);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String preview(byte[] input) {
        String s = new String(input, StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 150) + " … (" + s.length() + " chars) … " + s.substring(s.length() - 100) : s;
    }

    // ---------------------------------------------------------------- binary batch frames

    /** Header fields of a version-1 frame: offset and size in bytes. */
    private static final int[][] HEADER_FIELDS = {{4, 1}, {5, 1}, {6, 2}, {8, 4}, {12, 8}, {20, 8}, {28, 4}, {32, 2},
            {34, 2}, {36, 2}, {38, 2}, {40, 8}};

    static List<byte[]> validFrames() {
        Random random = new Random(5);
        byte[] pixels = new byte[3 * 2 * 4 * 5];
        random.nextBytes(pixels);
        return List.of(
                FrameCodec.encode(new BatchFrame(2, 7, 40, 3, 2, 4, 5, 2, pixels, new int[] {0, 1, 2, 3, -1, 5})),
                FrameCodec.encode(new BatchFrame(0, 0, 0, 0, 1, 28, 28, 1, new byte[0], new int[0])),
                FrameCodec.encode(new BatchFrame(1, 3, 9, 2, 1, 2, 2, 0, new byte[8], new int[0])),
                FrameCodec.encodeError(3, 16, "unknown dataset 'cifar-11' ünï"));
    }

    @Test
    void everyMalformedFrameDecodesValidOrIsRefusedAtAByteOffset() {
        List<byte[]> valid = validFrames();
        Random random = new Random(1234);
        int decoded = 0;
        int refused = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            byte[] input = mutateFrame(valid.get(i % valid.size()), random);
            String problem = frameProblem(input);
            if (problem == null) {
                decoded++;
            } else if (problem.isEmpty()) {
                refused++;
            } else if (failures.size() < 20) {
                failures.add(problem + "\n    frame header: " + hex(input, 52));
            }
        }
        System.out.printf("fuzz Kafka batch frames (PullStream, FrameCodec.decode): %d frames, %d decoded valid, %d refused "
                + "with a byte offset, %d crashes or invalid frames%n", FRAMES, decoded, refused, FRAMES - decoded - refused);
        assertEquals(List.of(), failures, "frames that crashed the decoder or decoded into an invalid batch");
    }

    /** Frames that once decoded into an impossible batch, each with the byte offset it must now be refused at. */
    @Test
    void framesThatOnceFailedAreRefusedAtTheirOffset() {
        // 2^19 images of 32768×32768×32768 with a 0-byte payload: count·C·H·W wrapped to 0 = payload, so it decoded
        // into a "batch" of 524,288 images without a pixel
        byte[] wrapped = validFrames().get(1).clone();
        put(wrapped, 28, 4, 1 << 19);
        put(wrapped, 32, 2, 1 << 15);
        put(wrapped, 34, 2, 1 << 15);
        put(wrapped, 36, 2, 1 << 15);
        put(wrapped, 38, 2, 0);
        assertEquals(28, refusedAt(reseal(wrapped)));
        // negative positions decoded as if valid
        for (int[] field : new int[][] {{8, 4}, {12, 8}, {20, 8}}) {
            byte[] negative = validFrames().get(0).clone();
            put(negative, field[0], field[1], -1);
            assertEquals(field[0], refusedAt(reseal(negative)));
        }
        byte[] error = validFrames().get(3).clone();
        put(error, 12, 8, Long.MIN_VALUE);
        assertEquals(12, refusedAt(reseal(error)));
    }

    private static long refusedAt(byte[] frame) {
        assertEquals("", frameProblem(frame));
        return assertThrows(FrameException.class, () -> FrameCodec.decode(frame)).byteOffset();
    }

    /** null: decoded into a valid frame; "": refused with a byte offset inside the frame; else what went wrong. */
    static String frameProblem(byte[] input) {
        FrameCodec.Decoded d;
        try {
            d = FrameCodec.decode(input);
        } catch (FrameException e) {
            return e.byteOffset() >= 0 && e.byteOffset() <= input.length && e.getMessage().contains("byte offset")
                    ? "" : "FrameException without an offset inside the frame: " + e.getMessage();
        } catch (Throwable t) {
            return "CRASH " + t;
        }
        if (d instanceof FrameCodec.Error error) {
            return error.epoch() >= 0 && error.batchIndex() >= 0 ? null
                    : "error frame with a negative position: epoch " + error.epoch() + ", batch " + error.batchIndex();
        }
        BatchFrame f = ((FrameCodec.Batch) d).frame();
        BigInteger pixels = BigInteger.valueOf(f.count()).multiply(BigInteger.valueOf(f.channels()))
                .multiply(BigInteger.valueOf(f.height())).multiply(BigInteger.valueOf(f.width()));
        if (!pixels.equals(BigInteger.valueOf(f.pixels().length))
                || (long) f.count() * f.labelLevels() != f.labels().length) {
            return "INVALID " + f + " carries " + f.pixels().length + " pixel bytes and " + f.labels().length + " labels";
        }
        if (f.epoch() < 0 || f.batchIndex() < 0 || f.epochBatches() < 0) {
            return "INVALID " + f + ": negative epoch, batch index or batch count";
        }
        if (!Arrays.equals(FrameCodec.encode(f), input)) {
            return "INVALID " + f + " does not encode back to its bytes";
        }
        return null;
    }

    static byte[] mutateFrame(byte[] valid, Random random) {
        byte[] b = valid.clone();
        switch (random.nextInt(8)) {
            case 0 -> { // bits flipped anywhere: the CRC must catch them
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                    b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return b;
            }
            case 1 -> {
                return Arrays.copyOf(b, random.nextInt(b.length));
            }
            case 2 -> {
                byte[] longer = Arrays.copyOf(b, b.length + 1 + random.nextInt(64));
                return random.nextBoolean() ? longer : reseal(longer);
            }
            case 3 -> {
                byte[] noise = new byte[random.nextInt(200)];
                random.nextBytes(noise);
                if (noise.length >= 8 && random.nextBoolean()) {
                    System.arraycopy(valid, 0, noise, 0, 8); // magic, version, kind and header length intact
                }
                return random.nextBoolean() ? noise : reseal(noise);
            }
            case 4, 5 -> { // a header field set to an extreme value, checksum recomputed: the header checks must catch it
                int[] field = HEADER_FIELDS[random.nextInt(HEADER_FIELDS.length)];
                put(b, field[0], field[1], extreme(random, field[1]));
                if (random.nextInt(3) == 0) {
                    int[] other = HEADER_FIELDS[random.nextInt(HEADER_FIELDS.length)];
                    put(b, other[0], other[1], extreme(random, other[1]));
                }
                return reseal(b);
            }
            case 6 -> { // the shape changed with the payload length matched to it
                long count = random.nextInt(4);
                long channels = 1 + random.nextInt(3);
                long height = 1 + random.nextInt(3);
                long width = 1 + random.nextInt(3);
                long levels = random.nextInt(3);
                long payload = count * channels * height * width + 4 * count * levels + (random.nextInt(4) == 0 ? 1 : 0);
                byte[] frame = Arrays.copyOf(b, (int) (FrameCodec.HEADER_LENGTH + payload + FrameCodec.TRAILER_LENGTH));
                frame[5] = FrameCodec.KIND_BATCH;
                put(frame, 28, 4, count);
                put(frame, 32, 2, channels);
                put(frame, 34, 2, height);
                put(frame, 36, 2, width);
                put(frame, 38, 2, levels);
                put(frame, 40, 8, payload);
                return reseal(frame);
            }
            default -> { // payload bytes changed, checksum recomputed: still a valid frame
                if (b.length > FrameCodec.HEADER_LENGTH + FrameCodec.TRAILER_LENGTH) {
                    int at = FrameCodec.HEADER_LENGTH + random.nextInt(b.length - FrameCodec.HEADER_LENGTH
                            - FrameCodec.TRAILER_LENGTH);
                    b[at] = (byte) random.nextInt(256);
                }
                return reseal(b);
            }
        }
    }

    private static long extreme(Random random, int size) {
        long max = size == 8 ? Long.MAX_VALUE : (1L << (8 * size - 1)) - 1;
        return switch (random.nextInt(9)) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> -1;
            case 3 -> max;
            case 4 -> -max - 1;
            case 5 -> 1L << random.nextInt(8 * size);
            case 6 -> random.nextInt(100);
            case 7 -> size == 8 ? random.nextLong() : random.nextInt();
            default -> (1L << random.nextInt(8 * size)) - 1;
        };
    }

    static void put(byte[] b, int offset, int size, long value) {
        for (int i = size - 1; i >= 0; i--) {
            b[offset + i] = (byte) value;
            value >>= 8;
        }
    }

    /** The CRC32C trailer recomputed, so a corrupted header reaches the decoder's field checks. */
    static byte[] reseal(byte[] b) {
        if (b.length >= FrameCodec.TRAILER_LENGTH) {
            CRC32C crc = new CRC32C();
            crc.update(b, 0, b.length - FrameCodec.TRAILER_LENGTH);
            ByteBuffer.wrap(b).putInt(b.length - FrameCodec.TRAILER_LENGTH, (int) crc.getValue());
        }
        return b;
    }

    private static String hex(byte[] b, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(max, b.length); i++) {
            sb.append(String.format("%02x", b[i])).append(i % 4 == 3 ? " " : "");
        }
        return sb + (b.length > max ? "… (" + b.length + " bytes)" : " (" + b.length + " bytes)");
    }

    @Test
    void theMutatorReachesEveryKindOfInput() {
        // sanity: the seeded mutations are not all refused the same way
        Random random = new Random(1);
        JsonMutator mutator = new JsonMutator(random);
        byte[] valid = Json.write(instances(BatchRequest.class).get(0));
        Set<Outcome> seen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            seen.add(classify(mutator.mutate(valid), BatchRequest.class).outcome());
        }
        assertTrue(seen.contains(Outcome.PARSED) && seen.contains(Outcome.REFUSED), "outcomes: " + seen);
        assertInstanceOf(FrameCodec.Batch.class, FrameCodec.decode(validFrames().get(0)));
    }
}
