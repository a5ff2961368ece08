package io.metaloop.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentState;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The self-supervised family end to end through the running stack on the bundled Fashion-MNIST:
 * relational reasoning pre-trains a Conv4 on the training images without their labels (K views
 * made by the data side, streamed over Kafka), the lower bound (random weights) trains nothing,
 * and the evaluator linear-evaluates both backbones: features of the training and test splits
 * computed once and cached in the object store, a linear head trained on the training features,
 * scored on the 10,000 test images.
 */
class SelfSupervisedSliceTest {
    private static LocalStack stack;
    private static Path runDir;
    private static String gateway;

    @BeforeAll
    static void startStack() throws Exception {
        runDir = Files.createTempDirectory("metaloop-ssl-test-");
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

    private static String submit(String json) {
        HttpResponse<String> created = Http.postJson(gateway + "/api/v1/experiments", json);
        assertEquals(201, created.statusCode(), created.body());
        return Json.read(created.body(), ExperimentRecord.class).id();
    }

    @Test
    void relationalReasoningPreTrainsWithoutLabelsAndIsLinearEvaluatedBesideRandomWeights() {
        String random = submit("""
                {"method": "random-weights", "dataset": "fashion-mnist", "backbone": "conv4", "batchSize": 64, "seed": 1,
                 "linearEvaluation": {"epochs": 10}}""");
        String relational = submit("""
                {"method": "relational-reasoning", "dataset": "fashion-mnist", "backbone": "conv4", "epochs": 1,
                 "batchSize": 64, "seed": 1, "augment": {"preset": "simclr", "views": 4},
                 "linearEvaluation": {"epochs": 10}}""");
        ExperimentRecord lower = Experiments.await(stack, gateway, random, r -> r.state().isTerminal(), Duration.ofMinutes(5));
        ExperimentRecord learned = Experiments.await(stack, gateway, relational, r -> r.state().isTerminal(),
                Duration.ofMinutes(8));
        for (ExperimentRecord done : new ExperimentRecord[] {lower, learned}) {
            assertEquals(ExperimentState.SUCCEEDED, done.state(), done.id() + " error: " + done.error());
            assertNotNull(done.result().linear(), "a linear-evaluation result");
            assertEquals("test", done.result().split());
            assertEquals(10_000, done.result().examples());
            assertEquals(20_000, done.result().linear().trainExamples());
            assertEquals(10, done.result().linear().classes());
            assertEquals(10, done.result().linear().settings().epochs());
            assertTrue(done.result().accuracy() > 0.2, done.id() + " well above chance (10 %): " + done.result().accuracy());
        }
        assertEquals(0, lower.spec().epochs(), "random weights are not trained");
        assertEquals("checkpoints/" + random + "/epoch-0000.ckpt", lower.checkpointKey());
        assertTrue(Double.isFinite(learned.metrics().loss()), "relational reasoning trained: loss " + learned.metrics().loss());
        System.out.printf("linear evaluation after 1 epoch: relational reasoning %.4f, random weights %.4f%n",
                learned.result().accuracy(), lower.result().accuracy());
        assertTrue(learned.result().accuracy() > lower.result().accuracy() + 0.05,
                "one epoch of relational reasoning beats the untrained backbone by 5 points: " + learned.result().accuracy()
                        + " vs " + lower.result().accuracy());
        // the features of both splits were cached, one object each
        ObjectStore store = new ObjectStore(new ObjectStoreConfig(stack.s3Endpoint(), S3Server.ACCESS_KEY, S3Server.SECRET_KEY,
                LocalStack.BUCKET));
        assertEquals(2, store.list("features/" + relational + "/").size(), store.list("features/" + relational + "/").toString());
    }
}
