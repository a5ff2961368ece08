package io.metaloop.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.EvalRequest;
import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.TaskResult;
import io.metaloop.contracts.Topics;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.frame.FrameCodec;
import io.metaloop.gateway.service.ExperimentStore;
import io.metaloop.gateway.service.TaskServiceTest;
import io.metaloop.localstack.TestInfrastructure;
import io.metaloop.messaging.KafkaClients;
import io.metaloop.storage.ObjectKeys;
import io.metaloop.storage.ObjectStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The task routes over HTTP, in the real gateway against a real Kafka broker and S3 server, with
 * dataset-service's catalogue played by a small HTTP stub: upload, stored frame and request, the
 * queued {@link EvalRequest}, PENDING until a result is stored, and every client mistake as 4xx.
 */
@QuarkusTest
@QuarkusTestResource(TaskApiTest.Infrastructure.class)
class TaskApiTest {
    static final DatasetInfo FASHION = new DatasetInfo("fashion-mnist", 1, 28, 28,
            List.of(new DatasetInfo.Level("class", List.of("t-shirt", "trouser", "pullover"))), Map.of("train", 60L, "test", 10L));

    /** Kafka and S3 for the gateway, a catalogue that knows fashion-mnist, and episode-sampler's protocols. */
    public static class Infrastructure implements QuarkusTestResourceLifecycleManager {
        private HttpServer catalogue;

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(TestInfrastructure.serviceConfig());
        // every REST call of these tests is the local user's (all roles); the token tests call without it
        String token = TestInfrastructure.adminToken();
        io.restassured.RestAssured.replaceFiltersWith((request, response, context) -> {
            if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", "Bearer " + token);
            }
            return context.next(request, response);
        });
            // without TCP_NODELAY the JDK server's replies wait for delayed ACKs: ~40 ms per catalogue call
            System.setProperty("sun.net.httpserver.nodelay", "true");
            try {
                catalogue = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            catalogue.createContext("/api/v1/datasets", exchange -> {
                String path = exchange.getRequestURI().getPath();
                byte[] body = path.equals("/api/v1/datasets") ? Json.write(List.of(FASHION))
                        : path.equals("/api/v1/datasets/fashion-mnist") ? Json.write(FASHION) : null;
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
                if (body != null) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
                exchange.close();
            });
            // episode-sampler's protocols: an identity made from the query, so evaluations can be started
            catalogue.createContext("/api/v1/protocols", exchange -> {
                Map<String, String> q = new HashMap<>();
                String query = exchange.getRequestURI().getRawQuery();
                for (String pair : query == null ? new String[0] : query.split("&")) {
                    String[] kv = pair.split("=", 2);
                    q.put(kv[0], kv.length > 1 ? java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8) : "");
                }
                byte[] body;
                try {
                    String id = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(String.valueOf(query).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                    body = Json.write(new io.metaloop.contracts.FewShotProtocol(id, q.get("dataset"), "0".repeat(64),
                            q.get("split"), 1, 28, 28, Integer.parseInt(q.get("ways")), Integer.parseInt(q.get("shots")),
                            Integer.parseInt(q.get("queries")), Integer.parseInt(q.get("trials")), Long.parseLong(q.get("seed"))));
                } catch (RuntimeException | java.security.NoSuchAlgorithmException e) {
                    body = Json.write(io.metaloop.contracts.ApiError.of(400, "bad protocol query: " + e));
                    exchange.sendResponseHeaders(400, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                    exchange.close();
                    return;
                }
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                exchange.close();
            });
            catalogue.start();
            String url = "http://127.0.0.1:" + catalogue.getAddress().getPort();
            config.put("metaloop.dataset-service.url", url);
            config.put("metaloop.episode-sampler.url", url);
            config.put("quarkus.http.test-port", "0");
            return config;
        }

        @Override
        public void stop() {
            if (catalogue != null) {
                catalogue.stop(0);
            }
        }
    }

    @Inject
    ExperimentStore experiments;

    @Inject
    ObjectStore objects;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private String trainedExperiment() {
        String id = "exp-" + UUID.randomUUID().toString().substring(0, 12);
        Instant now = Instant.now();
        experiments.save(ExperimentRecord.queued(id, ExperimentSpec.supervised("fashion-mnist", "conv4", 1, 64, 1e-3, 1, null), now)
                .apply(new JobEvent(id, JobEvent.Type.TRAINED, "trainer", null, null, "checkpoints/" + id + "/epoch-0001.ckpt",
                        null, now)));
        return id;
    }

    @Test
    void anUploadedTaskIsStoredQueuedAndFollowedToItsResult() {
        String id = trainedExperiment();
        io.restassured.response.Response upload = given().contentType("application/zip").body(TaskServiceTest.TASK)
                .post("/api/v1/experiments/" + id + "/tasks?checkpoint=last");
        String taskId = upload.then().statusCode(202)
                .header("Location", endsWith("/api/v1/tasks/" + upload.path("taskId")))
                .body("classes", contains("boot", "shirt"))
                .body("supportImages", contains(2, 1))
                .body("queries", equalTo(2))
                .body("labelled", equalTo(true))
                .body("head", equalTo("prototype"))
                .body("imageShape", contains(1, 28, 28))
                .extract().path("taskId");

        BatchFrame frame = FrameCodec.decodeBatch(objects.require(ObjectKeys.taskEpisode(taskId)));
        assertEquals(5, frame.count());
        assertEquals(28, frame.width());
        EvalRequest stored = Json.read(objects.require(ObjectKeys.taskRequest(taskId)), EvalRequest.class);
        assertEquals(taskId, stored.task().taskId());
        EvalRequest onQueue = queued(taskId).orElseThrow(() -> new AssertionError("no EvalRequest for " + taskId + " on "
                + Topics.EVAL_REQUESTS));
        assertEquals(stored, onQueue);

        given().get("/api/v1/tasks/" + taskId).then().statusCode(202)
                .body("state", equalTo("PENDING")).body("taskId", equalTo(taskId)).body("experimentId", equalTo(id));

        objects.put(ObjectKeys.taskResult(taskId), Json.write(TaskResult.succeeded(taskId, id, "last", stored.checkpointKey(),
                "prototype", List.of("boot", "shirt"), List.of(new TaskResult.Prediction("boot/q2.png", "boot", "boot", true),
                        new TaskResult.Prediction("shirt/q1.png", "shirt", "shirt", true)), "evaluator", 0.2, Instant.now())),
                "application/json");
        given().get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .body("state", equalTo("SUCCEEDED"))
                .body("accuracy", equalTo(1.0f))
                .body("predictions.predicted", contains("boot", "shirt"));
    }

    @Test
    void clientMistakesAre4xxNamingWhatIsWrong() {
        String id = trainedExperiment();
        byte[] bad = TaskServiceTest.zip("support/boot/a.png", "support/shirt/notes.txt", "../evil.png", "query/q.png");
        given().contentType("application/zip").body(bad).post("/api/v1/experiments/" + id + "/tasks")
                .then().statusCode(400)
                .body("fields.field", contains("support/shirt/notes.txt", "../evil.png"))
                .body("fields[0].message", equalTo("is not a readable image: not a PNG, JPEG, BMP or GIF image"))
                .body("fields[1].message", startsWith("has a '..' segment"));
        given().contentType("application/zip").body("plain text".getBytes()).post("/api/v1/experiments/" + id + "/tasks")
                .then().statusCode(400).body("fields[0].field", equalTo("upload"));
        given().contentType("application/zip").body(TaskServiceTest.TASK).post("/api/v1/experiments/" + id + "/tasks?checkpoint=best")
                .then().statusCode(400).body("fields[0].field", equalTo("checkpoint"));
        given().contentType("application/zip").body(TaskServiceTest.TASK).post("/api/v1/experiments/exp-none/tasks")
                .then().statusCode(404).body("error", equalTo("no experiment 'exp-none'"));
        given().contentType("application/json").body("{}").post("/api/v1/experiments/" + id + "/tasks")
                .then().statusCode(415);
        given().get("/api/v1/tasks/task-0123456789ab").then().statusCode(404).body("error", equalTo("no task 'task-0123456789ab'"));
        // the experiment routes are unaffected by the task route beside them
        given().get("/api/v1/experiments/" + id).then().statusCode(200).body("id", equalTo(id));
    }

    /** The EvalRequest carrying this task, read from the queue's topic from its start. */
    private Optional<EvalRequest> queued(String taskId) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(new KafkaClients(bootstrap, "task-api-test").consumer(null))) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.EVAL_REQUESTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    EvalRequest request = Json.read(r.value(), EvalRequest.class);
                    if (request.task() != null && request.task().taskId().equals(taskId)) {
                        return Optional.of(request);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
