package io.metaloop.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentState;
import io.metaloop.contracts.Json;
import io.metaloop.localstack.LocalStack;
import io.metaloop.localstack.ProjectLayout;
import io.metaloop.localstack.S3Server;
import io.metaloop.storage.ObjectStore;
import io.metaloop.storage.ObjectStoreConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Training survives its worker: two trainers share the queue; the one running a job is paused
 * (SIGSTOP) or killed outright (SIGKILL) in the middle of an epoch. The gateway sees its lease
 * lapse and queues the next attempt; the other trainer resumes from the latest checkpoint and
 * ends with exactly the weights of an uninterrupted run. A paused worker that wakes up after its
 * lease lapsed writes nothing that is read and reports nothing that is applied.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceTest {
    /** Lease and heartbeat short enough for a test; checkpoints often enough that a kill lands between two. */
    private static final Map<String, List<String>> OPTIONS = Map.of(
            "gateway", List.of("-Dmetaloop.gateway.lease-timeout=PT8S"),
            "trainer-service", List.of("-Dmetaloop.trainer.heartbeat-interval=PT1S",
                    "-Dmetaloop.trainer.checkpoint-interval=PT1S", "-Dmetaloop.trainer.progress-interval=PT0.5S"));
    private static final String SPEC = """
            {"method":"supervised","dataset":"omniglot-fault","backbone":"conv4","epochs":4,"batchSize":32,
             "optimizer":{"name":"sgd","learningRate":0.05,"momentum":0.9},"seed":11}""";

    private static LocalStack stack;
    private static Path runDir;
    private static String gateway;
    private static ObjectStore store;
    private static Map<String, byte[]> uninterrupted;

    @BeforeAll
    static void startStackWithTwoTrainers() throws Exception {
        runDir = Files.createTempDirectory("metaloop-fault-test-");
        ProjectLayout layout = ProjectLayout.locate();
        stack = LocalStack.start(layout, runDir, List.of("dataset-service", "trainer-service", "evaluator-service", "gateway"),
                OPTIONS, line -> System.out.println("[stack] " + line));
        stack.addReplica("trainer-service");
        Http.useToken(stack.auth().localUserToken());
        gateway = stack.serviceUrl("gateway");
        store = new ObjectStore(new ObjectStoreConfig(stack.s3Endpoint(), S3Server.ACCESS_KEY, S3Server.SECRET_KEY,
                LocalStack.BUCKET));
        Path omniglot = layout.bundledData().resolve("omniglot/images_background_small1.zip").toAbsolutePath();
        HttpResponse<String> imported = Http.postJson(stack.serviceUrl("dataset-service") + "/api/v1/datasets/omniglot-fault/import",
                """
                {"format": "omniglot", "path": "%s", "imageSize": 28, "testShare": 0.25}""".formatted(omniglot));
        assertEquals(201, imported.statusCode(), imported.body());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
            LocalStack.deleteRunDirectory(runDir);
        }
    }

    private static String submit() {
        HttpResponse<String> created = Http.postJson(gateway + "/api/v1/experiments", SPEC);
        assertEquals(201, created.statusCode(), created.body());
        return Json.read(created.body(), ExperimentRecord.class).id();
    }

    private static ExperimentRecord await(String id, Predicate<ExperimentRecord> condition, Duration timeout) {
        return Experiments.await(stack, gateway, id, condition, timeout);
    }

    /**
     * Waits until attempt {@code attempt} of the job is past its first epoch with a checkpoint of its own
     * taken inside an epoch (so a kill lands between two checkpoints), and names the trainer running it.
     */
    private static String trainerMidEpoch(String id, int attempt) {
        String folder = attempt == 1 ? "checkpoints/" + id + "/epoch-" : "checkpoints/" + id + "/attempt-" + attempt + "/";
        ExperimentRecord running = await(id, r -> r.state() == ExperimentState.RUNNING && r.attempt() == attempt
                && r.progress().epoch() >= 1 && r.progress().step() > 0
                && store.list(folder).stream().anyMatch(k -> k.contains("-batch-")), Duration.ofMinutes(3));
        long pid = Long.parseLong(running.worker().split("@")[1]); // trainer-service@<pid>@<host>
        return stack.partWithPid(pid).orElseThrow(() -> new AssertionError("no part has pid " + pid + ": " + running.worker()));
    }

    private static String logTail(String part) {
        try {
            List<String> lines = Files.readAllLines(runDir.resolve("logs").resolve(part + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The arrays of a checkpoint file (params, buffers, optimiser state): what "the same weights" means. */
    private static Map<String, byte[]> arrays(String key) throws IOException {
        byte[] file = store.require(key);
        Map<String, byte[]> arrays = new TreeMap<>();
        // a 48-byte envelope (magic, version, length, SHA-256), then a zip of checkpoint.json and one .f32 per array
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(file, 48, file.length - 48))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().endsWith(".f32")) {
                    arrays.put(e.getName(), zip.readAllBytes());
                }
            }
        }
        assertTrue(arrays.containsKey("params.f32"), key + " holds " + arrays.keySet());
        return arrays;
    }

    private static void assertSameArrays(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name + " differs from the uninterrupted run"));
    }

    @Test
    @Order(1)
    void anUninterruptedRunGivesTheReferenceWeights() throws Exception {
        String id = submit();
        ExperimentRecord done = await(id, r -> r.state().isTerminal(), Duration.ofMinutes(5));
        assertEquals(ExperimentState.SUCCEEDED, done.state(), "error: " + done.error());
        assertEquals(1, done.attempt());
        uninterrupted = arrays(done.checkpointKey());
    }

    /**
     * One job, two trainers, two faults: the trainer running it is paused mid-epoch until its lease
     * lapses and the other trainer takes over (attempt 2); the paused one then wakes up, finds its
     * writes refused and drops the job; the second trainer is killed outright mid-epoch, and the
     * woken one finishes the job (attempt 3) — with the uninterrupted run's weights.
     */
    @Test
    @Order(2)
    void aPausedThenAKilledTrainerAreReplacedAndTheJobEndsWithTheSameWeights() throws Exception {
        String id = submit();
        String sleeper = trainerMidEpoch(id, 1);
        stack.signal(sleeper, "STOP");
        String other = trainerMidEpoch(id, 2);
        assertNotEquals(sleeper, other);
        byte[] firstPointer = store.require("checkpoints/" + id + "/latest.json");
        stack.signal(sleeper, "CONT");
        // the woken worker drops the job at its first refused write (anything it still sends is refused by the
        // gateway as attempt 1's: ExperimentRecordTest; it may be fenced before it sends anything)
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        double dropped = Double.NaN;
        while (System.nanoTime() < deadline && !(dropped >= 1)) {
            dropped = Http.metric(Http.get(stack.serviceUrl(sleeper) + "/q/metrics").body(),
                    "metaloop_trainer_jobs_total{outcome=\"fenced\"");
            Experiments.sleep(250);
        }
        assertEquals(1.0, dropped, "the woken trainer dropped the job once a write was refused; its log ends:\n"
                + logTail(sleeper));
        assertArrayEquals(firstPointer, store.require("checkpoints/" + id + "/latest.json"),
                "the woken attempt 1 must not move its latest pointer");

        assertEquals(other, trainerMidEpoch(id, 2));
        stack.killHard(other);
        ExperimentRecord done = await(id, r -> r.state().isTerminal(), Duration.ofMinutes(5));
        assertEquals(ExperimentState.SUCCEEDED, done.state(), "error: " + done.error());
        assertEquals(3, done.attempt(), done.attempts().toString());
        assertEquals(List.of(1, 2, 3), done.attempts().stream().map(a -> a.number()).toList());
        assertTrue(done.attempts().get(0).ended().startsWith("lease lapsed"), done.attempts().toString());
        assertTrue(done.attempts().get(1).ended().startsWith("lease lapsed"), done.attempts().toString());
        assertNull(done.attempts().get(2).ended());
        assertEquals(done.attempts().get(0).worker(), done.attempts().get(2).worker(), "the woken trainer finished the job");
        assertTrue(done.checkpointKey().startsWith("checkpoints/" + id + "/attempt-3/"), done.checkpointKey());
        assertTrue(done.result().accuracy() > 0, "evaluated");
        assertSameArrays(uninterrupted, arrays(done.checkpointKey()));
    }

    /**
     * The broker, the S3 server and the gateway are each restarted while a job trains: the job
     * finishes with the uninterrupted run's weights, and every experiment record and checkpoint
     * stored before is still there.
     */
    @Test
    @Order(3)
    void brokerObjectStoreAndGatewayRestartsMidRunLoseNothing() throws Exception {
        List<ExperimentRecord> before = List.of(Json.read(Http.get(gateway + "/api/v1/experiments").body(), ExperimentRecord[].class));
        String id = submit();
        trainerMidEpoch(id, 1);
        stack.restartInfrastructure("kafka");
        stack.restartInfrastructure("s3");
        stack.restart("gateway");

        ExperimentRecord done = await(id, r -> r.state().isTerminal(), Duration.ofMinutes(5));
        assertEquals(ExperimentState.SUCCEEDED, done.state(), "error: " + done.error() + "; attempts " + done.attempts());
        assertSameArrays(uninterrupted, arrays(done.checkpointKey()));
        for (ExperimentRecord earlier : before) {
            ExperimentRecord now = Json.read(Http.get(gateway + "/api/v1/experiments/" + earlier.id()).body(), ExperimentRecord.class);
            assertEquals(earlier.state(), now.state(), earlier.id());
            assertEquals(earlier.checkpointKey(), now.checkpointKey(), earlier.id());
            assertTrue(store.exists(now.checkpointKey()), now.checkpointKey());
        }
        assertEquals(2, before.size(), "the two earlier experiments");
    }
}
