package io.metaloop.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaloop.contracts.AugmentStep;
import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentState;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.Topics;
import io.metaloop.localstack.LocalStack;
import io.metaloop.localstack.ProjectLayout;
import io.metaloop.localstack.S3Server;
import io.metaloop.messaging.KafkaClients;
import io.metaloop.storage.ObjectStore;
import io.metaloop.storage.ObjectStoreConfig;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The walking skeleton end to end, every part real and in its own process: a Kafka KRaft broker,
 * the S3 server, and the five services' packaged jars. An experiment goes in through the
 * gateway's REST API and comes out trained on the bundled Fashion-MNIST and evaluated on its
 * 10,000 test images.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WholeSliceTest {
    private static final ObjectMapper TREE = new ObjectMapper();
    private static LocalStack stack;
    private static Path runDir;
    private static String gateway;
    private static String experimentId;

    @BeforeAll
    static void startStack() throws Exception {
        runDir = Files.createTempDirectory("metaloop-system-test-");
        stack = LocalStack.start(ProjectLayout.locate(), runDir, ProjectLayout.SERVICES,
                line -> System.out.println("[stack] " + line));
        Http.useToken(stack.auth().localUserToken());
        gateway = stack.serviceUrl("gateway");
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
            LocalStack.deleteRunDirectory(runDir);
        }
    }

    private static ExperimentRecord await(String id, Predicate<ExperimentRecord> condition, Duration timeout) {
        return Experiments.await(stack, gateway, id, condition, timeout);
    }

    @Test
    @Order(1)
    void anExperimentIsTrainedCheckpointedAndEvaluated() throws Exception {
        HttpResponse<String> created = Http.postJson(gateway + "/api/v1/experiments", """
                {"method":"supervised","dataset":"fashion-mnist","backbone":"conv4",
                 "epochs":1,"batchSize":128,"optimizer":{"learningRate":0.005},"seed":7,
                 "augment":{"preset":"crop-flip","views":1}}""");
        assertEquals(201, created.statusCode(), created.body());
        ExperimentRecord queued = Json.read(created.body(), ExperimentRecord.class);
        assertEquals(List.of("random-crop", "horizontal-flip"),
                queued.spec().augment().steps().stream().map(AugmentStep::op).toList(), "the preset is stored as its steps");
        experimentId = queued.id();
        assertEquals("/api/v1/experiments/" + experimentId, created.headers().firstValue("Location").orElseThrow()
                .replaceFirst("^https?://[^/]+", ""));

        ExperimentRecord done = await(experimentId, r -> r.state().isTerminal(), Duration.ofMinutes(5));
        assertEquals(ExperimentState.SUCCEEDED, done.state(), "error: " + done.error());
        assertEquals(1.0, done.progress().fraction(), 1e-9);
        assertEquals(20_000 / 128, done.progress().stepsPerEpoch(), "steps per epoch with the last partial batch dropped");
        assertNotNull(done.metrics());
        assertTrue(done.metrics().imagesPerSecond() > 0);
        assertTrue(Double.isFinite(done.metrics().loss()) && done.metrics().loss() < Math.log(10),
                "training loss below chance level ln 10: " + done.metrics().loss());
        // evaluated on the whole test split, well above the 10 % of guessing
        assertEquals(10_000, done.result().examples());
        assertEquals("test", done.result().split());
        assertTrue(done.result().accuracy() > 0.70, "accuracy after one epoch: " + done.result().accuracy());
        assertEquals(done.result().correct() / 10_000.0, done.result().accuracy(), 1e-12);

        // the checkpoint named in the record is in the object store, and "latest" points to it
        ObjectStore store = new ObjectStore(new ObjectStoreConfig(stack.s3Endpoint(), S3Server.ACCESS_KEY,
                S3Server.SECRET_KEY, LocalStack.BUCKET));
        assertEquals("checkpoints/" + experimentId + "/epoch-0001.ckpt", done.checkpointKey());
        byte[] checkpoint = store.require(done.checkpointKey());
        assertEquals("MLCK", new String(checkpoint, 0, 4));
        JsonNode latest = TREE.readTree(store.require("checkpoints/" + experimentId + "/latest.json"));
        assertEquals(done.checkpointKey(), latest.path("key").asText());
        assertTrue(store.exists("reports/" + experimentId + "/evaluation.json"));

        String trainerMetrics = Http.get(stack.serviceUrl("trainer-service") + "/q/metrics").body();
        assertEquals(156 * 128, Http.metric(trainerMetrics, "metaloop_trainer_images_total"), 0.0);
        assertTrue(Http.metric(trainerMetrics, "metaloop_trainer_step_seconds_count") >= 156);
        assertTrue(Http.metric(trainerMetrics, "metaloop_trainer_data_wait_seconds_count") >= 156);
        String datasetMetrics = Http.get(stack.serviceUrl("dataset-service") + "/q/metrics").body();
        assertTrue(Http.metric(datasetMetrics, "metaloop_dataset_batches_served_total{dataset=\"fashion-mnist\",split=\"train\"}") >= 156);
        String evaluatorMetrics = Http.get(stack.serviceUrl("evaluator-service") + "/q/metrics").body();
        assertEquals(10_000, Http.metric(evaluatorMetrics, "metaloop_evaluator_trials_total"), 0.0);
    }

    @Test
    @Order(2)
    void invalidExperimentsAreRejectedNamingTheField() throws Exception {
        String url = gateway + "/api/v1/experiments";
        assertFieldError(Http.postJson(url, """
                {"method":"supervised","dataset":"fashion-mnist","backbone":"conv4","batchSize":64,"optimizer":{"learningRate":0.01}}"""),
                "epochs", "is required");
        assertFieldError(Http.postJson(url, """
                {"method":"supervised","dataset":"fashion-mnist","backbone":"resnet1000","epochs":1,"batchSize":64,"optimizer":{"learningRate":0.01}}"""),
                "backbone", "'resnet1000'");
        assertFieldError(Http.postJson(url, """
                {"method":"supervised","dataset":"cifar-11","backbone":"conv4","epochs":1,"batchSize":64,"optimizer":{"learningRate":0.01}}"""),
                "dataset", "'cifar-11'");
        assertFieldError(Http.postJson(url, """
                {"method":"supervised","dataset":"fashion-mnist","backbone":"conv4","epoch":1,"epochs":1,"batchSize":64,"optimizer":{"learningRate":0.01}}"""),
                "epoch", "unknown field");
        assertFieldError(Http.postJson(url, """
                {"method":"supervised","dataset":"fashion-mnist","backbone":"conv4","epochs":"many","batchSize":64,"optimizer":{"learningRate":0.01}}"""),
                "epochs", "");
        assertFieldError(Http.postJson(url, """
                {"method":"supervised","dataset":"fashion-mnist","backbone":"conv4","epochs":1,"batchSize":64,"optimizer":{"learningRate":0.01},
                 "augment":{"views":1,"steps":[{"op":"center-crop","args":{"size":32}}]}}"""),
                "augment.steps[0]", "1×28×28");
        assertFieldError(Http.postJson(url, """
                {"method":"supervised","dataset":"fashion-mnist","backbone":"conv4","epochs":1,"batchSize":64,"optimizer":{"learningRate":0.01},
                 "augment":{"views":1,"steps":[{"op":"mixup"}]}}"""),
                "augment.steps[0].op", "'mixup'");
        HttpResponse<String> malformed = Http.postJson(url, "{\"method\": \"supervised\",");
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().contains("line 1, column"), malformed.body());
        assertEquals(404, Http.get(gateway + "/api/v1/experiments/exp-nonexistent").statusCode());
    }

    private static void assertFieldError(HttpResponse<String> response, String field, String messagePart) throws Exception {
        assertEquals(400, response.statusCode(), response.body());
        JsonNode fields = TREE.readTree(response.body()).path("fields");
        assertTrue(fields.isArray() && !fields.isEmpty(), response.body());
        assertEquals(field, fields.get(0).path("field").asText(), response.body());
        assertTrue(fields.get(0).path("message").asText().contains(messagePart), response.body());
    }

    @Test
    @Order(3)
    void corruptRecordsOnKafkaAreCountedAndSkippedWhileServicesKeepWorking() throws Exception {
        KafkaClients clients = new KafkaClients(stack.kafkaBootstrap(), "system-test");
        try (Producer<String, byte[]> producer = new KafkaProducer<>(clients.producer())) {
            producer.send(new ProducerRecord<>(Topics.JOBS, "junk", new byte[] {0x00, 0x01, 0x02})).get();
            producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, "junk", "{\"type\":\"STARTED\"".getBytes())).get();
        }
        String trainer = stack.serviceUrl("trainer-service") + "/q/metrics";
        String gatewayMetrics = gateway + "/q/metrics";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        double trainerRejected = 0;
        double gatewayRejected = 0;
        // a counter appears on /q/metrics with its first increment: absent (NaN) counts as 0
        while (System.nanoTime() < deadline && !(trainerRejected >= 1 && gatewayRejected >= 1)) {
            Experiments.sleep(500);
            trainerRejected = Http.metric(Http.get(trainer).body(), "metaloop_rejected_records_total{topic=\"metaloop.jobs\"}");
            gatewayRejected = Http.metric(Http.get(gatewayMetrics).body(),
                    "metaloop_rejected_records_total{topic=\"metaloop.job-events\"}");
        }
        assertEquals(1.0, trainerRejected, "trainer counted the corrupt job");
        assertEquals(1.0, gatewayRejected, "gateway counted the corrupt event");
        // and they still work: a new experiment runs to completion
        HttpResponse<String> created = Http.postJson(gateway + "/api/v1/experiments", """
                {"method":"supervised","dataset":"fashion-mnist","backbone":"conv4",
                 "epochs":1,"batchSize":256,"optimizer":{"learningRate":0.01},"seed":3}""");
        assertEquals(201, created.statusCode(), created.body());
        String id = Json.read(created.body(), ExperimentRecord.class).id();
        assertEquals(ExperimentState.SUCCEEDED, await(id, r -> r.state().isTerminal(), Duration.ofMinutes(5)).state());
    }

    @Test
    @Order(4)
    void aRestartedGatewayStillKnowsEveryExperiment() {
        List<String> before = TREE.convertValue(readTree(Http.get(gateway + "/api/v1/experiments").body())
                .findValues("id").stream().map(JsonNode::asText).toList(), List.class);
        assertTrue(before.contains(experimentId), before.toString());
        stack.restart("gateway");
        HttpResponse<String> after = Http.get(gateway + "/api/v1/experiments/" + experimentId);
        assertEquals(200, after.statusCode());
        ExperimentRecord record = Json.read(after.body(), ExperimentRecord.class);
        assertEquals(ExperimentState.SUCCEEDED, record.state());
        assertEquals(before.size(), readTree(Http.get(gateway + "/api/v1/experiments").body()).size());
    }

    @Test
    @Order(5)
    void everyServiceIsHealthyAndExposesItsMetrics() {
        for (String service : ProjectLayout.SERVICES) {
            String base = stack.serviceUrl(service);
            assertEquals(200, Http.get(base + "/q/health/ready").statusCode(), service);
            assertEquals(200, Http.get(base + "/q/health/live").statusCode(), service);
            assertTrue(Http.get(base + "/q/openapi").statusCode() == 200, service + " OpenAPI");
            assertFalse(Http.get(base + "/q/metrics").body().isBlank(), service);
        }
        assertEquals(400, Http.postJson(gateway + "/api/v1/experiments", "{}").statusCode());
        String gatewayMetrics = Http.get(gateway + "/q/metrics").body();
        assertTrue(gatewayMetrics.lines().anyMatch(l -> l.startsWith("http_server_requests_seconds_count{")
                && l.contains("status=\"400\"") && l.contains("uri=\"/api/v1/experiments\"") && l.contains("method=\"POST\"")),
                "requests by route and status:\n" + gatewayMetrics.lines().filter(l -> l.startsWith("http_server")).toList());
    }

    @Test
    @Order(6)
    void aJobInterruptedByATrainerShutdownIsResumedFromItsCheckpoint() {
        HttpResponse<String> created = Http.postJson(gateway + "/api/v1/experiments", """
                {"method":"supervised","dataset":"fashion-mnist","backbone":"conv4",
                 "epochs":3,"batchSize":128,"optimizer":{"learningRate":0.005},"seed":11}""");
        assertEquals(201, created.statusCode(), created.body());
        String id = Json.read(created.body(), ExperimentRecord.class).id();
        await(id, r -> r.progress().epoch() >= 1, Duration.ofMinutes(3));
        stack.restart("trainer-service"); // SIGTERM: the job in hand is released, the gateway queues attempt 2
        ExperimentRecord done = await(id, r -> r.state().isTerminal(), Duration.ofMinutes(5));
        assertEquals(ExperimentState.SUCCEEDED, done.state(), "error: " + done.error());
        assertEquals(2, done.attempt(), done.attempts().toString());
        assertTrue(done.attempts().get(0).ended().startsWith("handed back by trainer-service@"), done.attempts().toString());
        assertEquals("checkpoints/" + id + "/attempt-2/epoch-0003.ckpt", done.checkpointKey());
        assertTrue(done.result().accuracy() > 0.70, "accuracy " + done.result().accuracy());
        // the restarted trainer trained only the epochs after the last checkpoint, not all three
        double images = Http.metric(Http.get(stack.serviceUrl("trainer-service") + "/q/metrics").body(),
                "metaloop_trainer_images_total");
        int epochImages = 156 * 128;
        assertTrue(images > 0 && images <= 2 * epochImages && images % epochImages == 0,
                "images trained after the restart: " + images);
    }

    private static JsonNode readTree(String json) {
        try {
            return TREE.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }

}
