package io.metaloop.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentState;
import io.metaloop.contracts.GeneratedLabels;
import io.metaloop.contracts.Json;
import io.metaloop.localstack.LocalStack;
import io.metaloop.localstack.ProjectLayout;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The auxiliary-learning family (MAXL) end to end through the running stack on real images with
 * label hierarchies imported from the bundled data: Fashion-MNIST with its 10 classes grouped into
 * 5 primary groups of 2 ({@code data/fashion-mnist/group-hierarchy.csv}), and Omniglot with its 8
 * alphabets as primary classes and the 242 characters as auxiliary ones
 * ({@code data/omniglot/alphabet-hierarchy.csv}; every character's drawers split 15 / 5 into train
 * and test by {@code testShare}). Single and exact MAXL train on the first, Human and first-order
 * MAXL on the second; each is scored on its primary level, and MAXL's result says what its label
 * generator gives each primary class.
 */
class AuxiliarySliceTest {
    private static LocalStack stack;
    private static Path runDir;
    private static String gateway;

    @BeforeAll
    static void startStackAndImport() throws Exception {
        runDir = Files.createTempDirectory("metaloop-maxl-test-");
        ProjectLayout layout = ProjectLayout.locate();
        stack = LocalStack.start(layout, runDir, ProjectLayout.SERVICES, line -> System.out.println("[stack] " + line));
        Http.useToken(stack.auth().localUserToken());
        gateway = stack.serviceUrl("gateway");
        Path fashion = layout.bundledData().resolve("fashion-mnist").toAbsolutePath();
        HttpResponse<String> groups = Http.postJson(stack.serviceUrl("dataset-service") + "/api/v1/datasets/fashion-mnist-groups/import",
                """
                {"format": "fashion-mnist", "path": "%s", "hierarchyFile": "%s"}"""
                        .formatted(fashion, fashion.resolve("group-hierarchy.csv")));
        assertEquals(201, groups.statusCode(), groups.body());
        Path omniglot = layout.bundledData().resolve("omniglot").toAbsolutePath();
        HttpResponse<String> alphabets = Http.postJson(stack.serviceUrl("dataset-service")
                + "/api/v1/datasets/omniglot-alphabets/import", """
                {"format": "omniglot", "path": "%s", "imageSize": 28, "hierarchyFile": "%s", "testShare": 0.25}"""
                .formatted(omniglot, omniglot.resolve("alphabet-hierarchy.csv")));
        assertEquals(201, alphabets.statusCode(), alphabets.body());
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

    private static ExperimentRecord finished(String id) {
        ExperimentRecord done = Experiments.await(stack, gateway, id, r -> r.state().isTerminal(), Duration.ofMinutes(10));
        assertEquals(ExperimentState.SUCCEEDED, done.state(), id + " error: " + done.error());
        return done;
    }

    @Test
    void singleHumanAndMaxlTrainAndAreScoredOnTheirPrimaryLevel() {
        String single = submit("""
                {"method": "single", "dataset": "fashion-mnist-groups", "backbone": "conv4", "epochs": 1, "batchSize": 64,
                 "seed": 1, "optimizer": {"learningRate": 0.1}}""");
        String maxl = submit("""
                {"method": "maxl", "dataset": "fashion-mnist-groups", "backbone": "conv4", "epochs": 1, "batchSize": 64,
                 "seed": 1, "optimizer": {"learningRate": 0.1}, "maxl": {"psi": [2, 2, 2, 2, 2]}}""");
        String human = submit("""
                {"method": "human", "dataset": "omniglot-alphabets", "backbone": "conv4", "epochs": 2, "batchSize": 32,
                 "seed": 1, "optimizer": {"learningRate": 0.1}}""");
        String firstOrder = submit("""
                {"method": "maxl", "dataset": "omniglot-alphabets", "backbone": "conv4", "epochs": 2, "batchSize": 32,
                 "seed": 1, "optimizer": {"learningRate": 0.1},
                 "maxl": {"psi": %s, "metaGradient": "first-order"}}""".formatted(OMNIGLOT_PSI));
        ExperimentRecord singleDone = finished(single);
        ExperimentRecord maxlDone = finished(maxl);
        ExperimentRecord humanDone = finished(human);
        ExperimentRecord firstOrderDone = finished(firstOrder);
        for (ExperimentRecord fashion : new ExperimentRecord[] {singleDone, maxlDone}) {
            assertEquals(10_000, fashion.result().examples());
            // five groups: chance is 20 %
            assertTrue(fashion.result().accuracy() > 0.6, fashion.id() + " " + fashion.spec().method() + ": " + fashion.result().accuracy());
        }
        for (ExperimentRecord alphabets : new ExperimentRecord[] {humanDone, firstOrderDone}) {
            assertEquals(1_210, alphabets.result().examples());
            // eight alphabets: chance is 12.5 %, the largest alphabet (Japanese katakana) 19 % of the images
            assertTrue(alphabets.result().accuracy() > 0.25, alphabets.id() + ": " + alphabets.result().accuracy());
        }
        assertNull(singleDone.result().generatedLabels());
        GeneratedLabels labels = maxlDone.result().generatedLabels();
        assertNotNull(labels, "a MAXL result reports its generated labels");
        assertEquals(5, labels.classes().size());
        assertEquals(10_000, labels.classes().stream().mapToLong(GeneratedLabels.PrimaryClass::images).sum());
        for (GeneratedLabels.PrimaryClass c : labels.classes()) {
            assertEquals(2_000, c.images(), "the test split has 1,000 images per class, 2 classes per group");
            assertEquals(1, c.meanDistribution().stream().mapToDouble(Double::doubleValue).sum(), 1e-6);
        }
        assertEquals(8, firstOrderDone.result().generatedLabels().classes().size());
        System.out.printf("Fashion-MNIST groups, 1 epoch: single %.4f, maxl %.4f; Omniglot alphabets, 2 epochs: human %.4f, "
                        + "maxl first-order %.4f; generated labels used per group %s%n", singleDone.result().accuracy(),
                maxlDone.result().accuracy(), humanDone.result().accuracy(), firstOrderDone.result().accuracy(),
                labels.classes().stream().map(GeneratedLabels.PrimaryClass::used).toList());
    }

    /**
     * Characters per alphabet of the bundled Omniglot (Balinese, Early Aramaic, Greek, Japanese
     * katakana, Korean, Latin, Sanskrit, Tagalog: the hierarchy's alphabet order), Σ = 242.
     */
    static final String OMNIGLOT_PSI = "[24, 22, 24, 47, 40, 26, 42, 17]";
}
