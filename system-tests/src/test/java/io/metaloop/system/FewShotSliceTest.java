package io.metaloop.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaloop.contracts.EvalResult;
import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentState;
import io.metaloop.contracts.FewShotReport;
import io.metaloop.contracts.Json;
import io.metaloop.localstack.LocalStack;
import io.metaloop.localstack.ProjectLayout;
import io.metaloop.localstack.S3Server;
import io.metaloop.storage.ObjectStore;
import io.metaloop.storage.ObjectStoreConfig;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The few-shot family end to end through the running stack on the bundled Omniglot, imported by
 * alphabet (train / val / test alphabets disjoint): meta-training on episodes streamed over Kafka
 * with meta-validation, the best checkpoint kept, the few-shot test cut into shards that evaluator
 * replicas take, merged into one report on a frozen protocol; a re-run on the same protocol gives
 * the same per-trial results; results on one protocol listed side by side.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FewShotSliceTest {
    private static final ObjectMapper TREE = new ObjectMapper();
    private static final String DATASET = "omniglot-small";
    private static LocalStack stack;
    private static Path runDir;
    private static String gateway;
    private static ObjectStore store;
    private static String protoNetId;

    @BeforeAll
    static void startStackAndImportOmniglot() throws Exception {
        runDir = Files.createTempDirectory("metaloop-few-shot-test-");
        ProjectLayout layout = ProjectLayout.locate();
        stack = LocalStack.start(layout, runDir, ProjectLayout.SERVICES, line -> System.out.println("[stack] " + line));
        Http.useToken(stack.auth().localUserToken());
        gateway = stack.serviceUrl("gateway");
        store = new ObjectStore(new ObjectStoreConfig(stack.s3Endpoint(), S3Server.ACCESS_KEY, S3Server.SECRET_KEY,
                LocalStack.BUCKET));
        Path omniglot = layout.bundledData().resolve("omniglot").toAbsolutePath();
        HttpResponse<String> imported = Http.postJson(stack.serviceUrl("dataset-service") + "/api/v1/datasets/" + DATASET
                + "/import", """
                {"format": "omniglot", "path": "%s", "imageSize": 28, "rotations": true, "classSplits": "%s"}"""
                .formatted(omniglot, omniglot.resolve("alphabet-splits.json")));
        assertEquals(201, imported.statusCode(), imported.body());
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


    private static ExperimentRecord submit(String body) {
        HttpResponse<String> created = Http.postJson(gateway + "/api/v1/experiments", body);
        assertEquals(201, created.statusCode(), created.body());
        return Json.read(created.body(), ExperimentRecord.class);
    }

    private static FewShotReport report(EvalResult result) {
        return Json.read(store.require(result.fewShot().reportKey()), FewShotReport.class);
    }

    @Test
    @Order(1)
    void protoNetsMetaTrainValidateAndAreTestedOnUnseenAlphabets() {
        ExperimentRecord queued = submit("""
                {"method": "protonet", "dataset": "omniglot-small", "backbone": "convnet4", "seed": 3, "epochs": 2,
                 "splits": {"validation": "val"},
                 "episodes": {"ways": 20, "shots": 1, "queries": 5, "metaBatch": 1, "metaBatchesPerEpoch": 60},
                 "validation": {"trials": 30},
                 "evaluation": {"ways": 5, "shots": 1, "queries": 15, "trials": 250}}""");
        protoNetId = queued.id();
        ExperimentRecord done = await(protoNetId, r -> r.state().isTerminal(), Duration.ofMinutes(8));
        assertEquals(ExperimentState.SUCCEEDED, done.state(), "error: " + done.error());
        assertEquals(60, done.progress().stepsPerEpoch(), "an epoch is its meta-batches");
        // meta-validated after each epoch; the best epoch's checkpoint is kept beside the last
        assertEquals(2, done.validation().size());
        assertTrue(done.validation().get(0).best());
        assertNotNull(done.bestCheckpointKey());
        assertTrue(store.exists(done.bestCheckpointKey()));
        assertEquals("checkpoints/" + protoNetId + "/epoch-0002.ckpt", done.checkpointKey());
        // the test: 250 trials in 3 shards, merged; well above the 20 % of guessing among 5 ways
        EvalResult result = done.result();
        var f = result.fewShot();
        assertNotNull(f, "a few-shot result");
        assertEquals("best", f.checkpoint());
        assertEquals(done.bestCheckpointKey(), result.checkpointKey());
        assertEquals(250, f.trials());
        assertEquals(250 * 5 * 15, result.examples());
        assertTrue(f.protocol().id().matches("[0-9a-f]{64}"), f.protocol().id());
        assertEquals("test", f.protocol().split());
        assertTrue(f.mean() > 0.5, "5-way 1-shot accuracy on unseen alphabets: " + f.mean());
        assertTrue(f.ci95T() > f.ci95Z() && f.ci95T() < 0.1, f.ci95Z() + " / " + f.ci95T());
        FewShotReport report = report(result);
        assertEquals(250, report.trials().size());
        assertEquals(f.mean(), report.trials().stream().mapToDouble(t -> t.accuracy()).average().orElseThrow(), 1e-12);
        assertEquals(3, store.list("reports/" + protoNetId + "/" + f.evaluationId() + "/shard-").size());
    }

    @Test
    @Order(2)
    void aReRunOnTheSameProtocolGivesTheSameTrialsAndResultsAreListedByProtocol() throws Exception {
        ExperimentRecord trained = await(protoNetId, r -> r.state().isTerminal(), Duration.ofMinutes(1));
        String protocolId = trained.result().fewShot().protocol().id();
        HttpResponse<String> again = Http.postJson(gateway + "/api/v1/experiments/" + protoNetId + "/evaluations", """
                {"ways": 5, "shots": 1, "queries": 15, "trials": 250, "checkpoint": "best"}""");
        assertEquals(202, again.statusCode(), again.body());
        JsonNode started = TREE.readTree(again.body());
        assertEquals(protocolId, started.path("protocol").path("id").asText(), "same settings, same episodes");
        HttpResponse<String> twenty = Http.postJson(gateway + "/api/v1/experiments/" + protoNetId + "/evaluations", """
                {"ways": 20, "trials": 100, "batchMeansOf": 4}""");
        assertEquals(202, twenty.statusCode(), twenty.body());
        assertNotEquals(protocolId, TREE.readTree(twenty.body()).path("protocol").path("id").asText());
        ExperimentRecord all = await(protoNetId, r -> r.evaluations().size() == 3, Duration.ofMinutes(5));
        EvalResult first = all.evaluations().get(0);
        EvalResult rerun = all.evaluations().stream()
                .filter(e -> e.fewShot().evaluationId().equals(started.path("evaluationId").asText())).findFirst().orElseThrow();
        assertEquals(report(first).trials(), report(rerun).trials(), "per-trial results of a re-run are identical");
        EvalResult twentyWay = all.evaluations().stream().filter(e -> e.fewShot().protocol().ways() == 20).findFirst()
                .orElseThrow();
        assertTrue(twentyWay.fewShot().mean() > 0.2 && twentyWay.fewShot().mean() < first.fewShot().mean(),
                "20-way is harder than 5-way and above the 5 % of guessing: " + twentyWay.fewShot().mean());
        assertTrue(twentyWay.fewShot().batchMeansCi95T() > 0, "PyTorch-MAML's interval when asked for");
        JsonNode side = TREE.readTree(Http.get(gateway + "/api/v1/protocols/" + protocolId + "/results").body());
        assertEquals(2, side.size(), "both results on the 5-way protocol, side by side");
        JsonNode protocols = TREE.readTree(Http.get(gateway + "/api/v1/protocols").body());
        assertTrue(protocols.size() >= 2);
    }

    @Test
    @Order(3)
    void secondOrderMamlMetaTrainsOnEpisodesAndIsTested() {
        ExperimentRecord queued = submit("""
                {"method": "maml", "dataset": "omniglot-small", "backbone": "convnet4", "seed": 1, "epochs": 1,
                 "episodes": {"ways": 5, "shots": 1, "queries": 5, "metaBatch": 2, "metaBatchesPerEpoch": 20},
                 "optimizer": {"name": "adam", "learningRate": 0.003},
                 "maml": {"inner": {"steps": 2, "testSteps": 3, "encoderLr": 0.2, "classifierLr": 0.2}},
                 "evaluation": {"trials": 100}}""");
        ExperimentRecord done = await(queued.id(), r -> r.state().isTerminal(), Duration.ofMinutes(8));
        assertEquals(ExperimentState.SUCCEEDED, done.state(), "error: " + done.error());
        var f = done.result().fewShot();
        assertEquals("last", f.checkpoint(), "no meta-validation: the last checkpoint");
        assertEquals(3, f.innerSteps());
        assertEquals("transductive", f.batchNorm());
        assertTrue(f.mean() > 0.3, "accuracy after 20 meta-steps: " + f.mean());
    }

    @Test
    @Order(4)
    void fewShotRequestsThatCannotBeServedAreRefusedNamingTheField() throws Exception {
        HttpResponse<String> tooWide = Http.postJson(gateway + "/api/v1/experiments", """
                {"method": "protonet", "dataset": "omniglot-small", "backbone": "convnet4", "epochs": 1,
                 "episodes": {"ways": 500, "shots": 1}}""");
        assertEquals(400, tooWide.statusCode(), tooWide.body());
        assertEquals("episodes", TREE.readTree(tooWide.body()).path("fields").get(0).path("field").asText());
        assertTrue(tooWide.body().contains("456 classes"), tooWide.body());
        HttpResponse<String> batch = Http.postJson(gateway + "/api/v1/experiments", """
                {"method": "maml", "dataset": "omniglot-small", "backbone": "convnet4", "epochs": 1, "batchSize": 64}""");
        assertEquals(400, batch.statusCode());
        assertEquals("batchSize", TREE.readTree(batch.body()).path("fields").get(0).path("field").asText());
        HttpResponse<String> yaml = Http.send("POST", gateway + "/api/v1/experiments", "application/yaml",
                "method: maml\ndataset: omniglot-small\nbackbone: convnet4\nepochs: 1\nmaml:\n  inner:\n    step: 3\n");
        assertEquals(400, yaml.statusCode(), yaml.body());
        assertEquals("maml.inner.step", TREE.readTree(yaml.body()).path("fields").get(0).path("field").asText());
        HttpResponse<String> best = Http.postJson(gateway + "/api/v1/experiments/exp-nonexistent/evaluations", "{}");
        assertEquals(404, best.statusCode());
        HttpResponse<String> preset = Http.postJson(gateway + "/api/v1/presets/maml-omniglot-5w1s/experiments", "");
        assertEquals(400, preset.statusCode(), preset.body());
        assertTrue(preset.body().contains("bin/metaloop data download omniglot"), preset.body());
    }
}
