package io.metaloop.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.Presets;
import io.metaloop.gateway.service.ExperimentStore;
import io.metaloop.gateway.service.TaskServiceTest;
import io.metaloop.localstack.RestFuzz;
import io.metaloop.localstack.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every operation of gateway's OpenAPI document fed malformed requests from a seeded
 * {@link RestFuzz}: 1,050 malformed bodies for {@code POST /api/v1/experiments} alone (mutated
 * experiment specs in JSON and YAML, from the presets and specs on the catalogue's dataset, empty,
 * or under a wrong content type), and 40 requests with a broken path parameter, query, body,
 * content type or method for every operation. No answer may be a 5xx, every 4xx must be an {@code ApiError} naming the field, the
 * position in the body or the parameter at fault, and every stored experiment must still be listed
 * afterwards. Requests that once failed are kept below as explicit regression cases.
 */
@QuarkusTest
@QuarkusTestResource(TaskApiTest.Infrastructure.class)
class RestFuzzTest {
    private static final ObjectMapper TREE = new ObjectMapper();
    private static final int SPEC_BODIES = 1_050;
    private static final int PER_OPERATION = 40;

    @TestHTTPResource("/")
    URL root;

    @Inject
    ExperimentStore experiments;

    private RestFuzz fuzz(long seed) {
        return new RestFuzz(root.toString(), TestInfrastructure.adminToken(), seed);
    }

    /** A supervised experiment on fashion-mnist with a final checkpoint: evaluations and tasks may start. */
    private String trainedExperiment() {
        String id = "exp-" + UUID.randomUUID().toString().substring(0, 12);
        Instant now = Instant.now();
        experiments.save(ExperimentRecord.queued(id, ExperimentSpec.supervised("fashion-mnist", "conv4", 1, 64, 1e-3, 1, null), now)
                .apply(new JobEvent(id, JobEvent.Type.TRAINED, "trainer", null, null, "checkpoints/" + id + "/epoch-0001.ckpt",
                        null, now)));
        return id;
    }

    private RestFuzz.Inputs inputs(String trained) {
        List<byte[]> specs = new ArrayList<>();
        specs.add(Json.write(ExperimentSpec.supervised("fashion-mnist", "conv4", 1, 64, 1e-3, 1, null)));
        specs.add("""
                {"method": "rotation", "dataset": "fashion-mnist", "backbone": "conv4", "epochs": 1, "batchSize": 32}"""
                .getBytes(StandardCharsets.UTF_8));
        specs.add("""
                {"method": "supervised", "dataset": "fashion-mnist", "backbone": "conv4", "epochs": 2, "batchSize": 16,
                 "evaluation": {"ways": 2, "shots": 1, "queries": 2, "trials": 10}}""".getBytes(StandardCharsets.UTF_8));
        // every preset's spec, as GET /api/v1/presets serves it
        for (JsonNode preset : readTree(fuzz(0).send("GET", "/api/v1/presets", null, null).body())) {
            specs.add(preset.path("spec").toString().getBytes(StandardCharsets.UTF_8));
        }
        List<String> presets = List.of("rr-fashion-mnist-small", "single-fashion-mnist-groups-small",
                "protonet-omniglot-5w1s", Presets.names().get(0));
        Map<String, List<byte[]>> bodies = new HashMap<>();
        bodies.put("POST /api/v1/experiments", specs);
        bodies.put("POST /api/v1/experiments/{id}/evaluations", List.of(
                "{\"ways\": 2, \"shots\": 1, \"queries\": 2, \"trials\": 20, \"head\": \"prototype\", \"checkpoint\": \"last\"}"
                        .getBytes(StandardCharsets.UTF_8),
                "{\"split\": \"test\", \"ways\": 3, \"shots\": 2, \"queries\": 1, \"trials\": 4, \"seed\": 9}"
                        .getBytes(StandardCharsets.UTF_8)));
        bodies.put("POST /api/v1/experiments/{id}/tasks", List.of(TaskServiceTest.TASK));
        bodies.put("POST /api/v1/presets/{name}/experiments", List.of(
                "{\"epochs\": 1, \"seed\": 3}".getBytes(StandardCharsets.UTF_8),
                "{\"batchSize\": 16, \"optimizer\": {\"learningRate\": 0.01}}".getBytes(StandardCharsets.UTF_8)));
        return new RestFuzz.Inputs(
                Map.of("id", List.of(trained, trained, "exp-000000000000", "ab".repeat(32)), "name", presets,
                        "taskId", List.of("task-0123456789ab")),
                Map.of("ids", List.of(trained + "," + trained, trained + ",exp-000000000000", trained),
                        "checkpoint", List.of("last", "best"), "head", List.of("prototype", "method")),
                bodies);
    }

    @Test
    void everyOperationRefusesMalformedRequestsNamingTheFieldAndNeverWithA5xx() {
        RestFuzz fuzz = fuzz(20261123L);
        List<RestFuzz.Operation> operations = fuzz.operations();
        assertTrue(operations.size() >= 13, "operations found: " + operations);
        String trained = trainedExperiment();
        RestFuzz.Inputs inputs = inputs(trained);
        int storedBefore = readTree(fuzz.send("GET", "/api/v1/experiments", null, null).body()).size();
        RestFuzz.Tally tally = new RestFuzz.Tally();
        RestFuzz.Tally specs = new RestFuzz.Tally();
        for (RestFuzz.Operation op : operations) {
            long start = System.nanoTime();
            if (op.key().equals("POST /api/v1/experiments")) {
                fuzz.fuzzBodies(op, inputs, SPEC_BODIES, specs);
            }
            fuzz.fuzz(op, inputs, PER_OPERATION, tally);
            System.out.printf("  %s: %d ms%n", op.key(), (System.nanoTime() - start) / 1_000_000);
        }
        System.out.println(specs.line("gateway POST /api/v1/experiments (malformed bodies)"));
        System.out.println(tally.line("gateway (every operation, broken path, query, body or method)"));
        RestFuzz.Tally all = RestFuzz.Tally.sum(specs, tally);
        System.out.println(all.line("gateway"));
        all.problems().forEach(p -> System.out.println("  " + p));
        assertTrue(specs.requests() >= 1_000);
        assertEquals(List.of(), all.problems(), all.line("gateway"));
        assertEquals(0, all.serverErrors());
        assertEquals(0, all.unnamed());
        // nothing stored is lost: every experiment is still listed and readable, the accepted ones added
        RestFuzz.Answer list = fuzz.send("GET", "/api/v1/experiments", null, null);
        assertEquals(200, list.status(), list.toString());
        int created = specs.count(201) + tally.count(201);
        assertTrue(readTree(list.body()).size() >= storedBefore + created, readTree(list.body()).size()
                + " experiments listed, " + storedBefore + " before and " + created + " created since");
        assertEquals(200, fuzz.send("GET", "/api/v1/experiments/" + trained, null, null).status());
    }

    /** Requests that once got a 5xx or a 4xx without a named field, each with the field it must now be refused under. */
    @Test
    void requestsThatOnceFailedAreRefusedNamingTheirField() {
        RestFuzz fuzz = fuzz(1);
        record Case(String method, String target, String contentType, String body, int status, String field) {
        }
        String spec = Json.writeString(ExperimentSpec.supervised("fashion-mnist", "conv4", 1, 64, 1e-3, 1, null));
        List<Case> cases = List.of(
                // 201: junk after the spec was ignored and the experiment queued
                new Case("POST", "/api/v1/experiments", "application/json", spec + "}", 400, "$"),
                new Case("POST", "/api/v1/experiments", "application/yaml", "method: supervised\n---\nmethod: maml\n", 400, "$"),
                // 201: a fraction cut to an integer (epochs 2.5 ran 2 epochs)
                new Case("POST", "/api/v1/experiments", "application/json", spec.replace("\"epochs\":1", "\"epochs\":2.5"),
                        400, "epochs"),
                // "normalize: Cannot construct instance of `…Normalization`, problem: `java.lang.NullPointerException`"
                new Case("POST", "/api/v1/experiments", "application/json", spec.substring(0, spec.length() - 1)
                        + ",\"normalize\":{\"mean\":[null],\"std\":[1.0]}}", 400, "normalize.mean[0]"),
                // "method: Cannot deserialize value of type `java.lang.String` from Array value (token `JsonToken.START_ARRAY`)"
                new Case("POST", "/api/v1/experiments", "application/json", spec.replace("\"supervised\"", "[\"supervised\"]"),
                        400, "method"),
                // "$: … at line -1, column -1": a YAML list where the spec's object belongs
                new Case("POST", "/api/v1/experiments", "text/yaml", "- supervised\n- conv4\n", 400, "$"),
                // a bare 414 from the HTTP layer for a 10 kB id (now up to 16 kB reach the API)
                new Case("GET", "/api/v1/experiments/" + "x".repeat(10_240), null, null, 404, "id"),
                // 404s that named nothing but the value
                new Case("GET", "/api/v1/experiments/exp-none", null, null, 404, "id"),
                new Case("POST", "/api/v1/presets/no-such-preset/experiments", "application/json", "{}", 404, "name"),
                new Case("GET", "/api/v1/tasks/task-0123456789ab", null, null, 404, "taskId"),
                // no ApiError for a request no operation takes
                new Case("GET", "/api/v1/experiments/a/b/c", null, null, 404, "path"),
                new Case("DELETE", "/api/v1/experiments", null, null, 405, "method"),
                new Case("POST", "/api/v1/experiments", "text/plain", "{}", 415, "Content-Type"));
        for (Case c : cases) {
            RestFuzz.Answer a = fuzz.send(c.method(), c.target(), c.contentType(),
                    c.body() == null ? null : c.body().getBytes(StandardCharsets.UTF_8));
            assertEquals(c.status(), a.status(), a.toString());
            assertNull(RestFuzz.problem(a, Set.of()), a.toString());
            assertEquals(c.field(), readTree(a.body()).path("fields").path(0).path("field").asText(), a.toString());
        }
    }

    private static JsonNode readTree(String json) {
        try {
            return TREE.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
