package io.metaloop.evaluator.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.FewShotTask;
import io.metaloop.contracts.TaskResult;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.frame.FrameCodec;
import io.metaloop.contracts.spec.EvaluationSpec;
import io.metaloop.datasets.TaskUpload;
import io.metaloop.learning.NativeBackend;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.CheckpointCodec;
import io.metaloop.learning.checkpoint.TrainingPosition;
import io.metaloop.learning.data.Images;
import io.metaloop.learning.eval.FewShotLearners;
import io.metaloop.learning.eval.FewShotValidation;
import io.metaloop.learning.method.Methods;
import io.metaloop.learning.method.fewshot.FewShotLearner;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.nn.Mode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A user's task made of real Omniglot drawings (the bundled {@code images_background_small1.zip}):
 * five characters of one alphabet, five support and three labelled query drawings each, uploaded as
 * a zip of 105×105 one-bit PNGs and converted to the 1×28×28 images of a model, then classified by
 * nearest prototype over a freshly initialised Conv4 taken through a real checkpoint.
 */
class TaskPredictorTest {
    private static final int WAYS = 5;
    private static final int SHOTS = 5;
    private static final int QUERIES = 3;

    private static TaskUpload.Task upload;
    private static FewShotTask task;
    private static Checkpoint checkpoint;
    private static FewShotLearner learner;
    private static FewShotLearner.TestSettings settings;

    @BeforeAll
    static void buildTask() throws IOException {
        NativeBackend.configure();
        Path omniglot = projectRoot().resolve("data/omniglot/images_background_small1.zip");
        Map<String, List<String>> byCharacter = new TreeMap<>();
        try (ZipFile zip = new ZipFile(omniglot.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                String[] parts = e.getName().split("/");
                if (!e.isDirectory() && parts.length == 4 && parts[1].equals("Balinese") && parts[3].endsWith(".png")) {
                    byCharacter.computeIfAbsent(parts[2], c -> new ArrayList<>()).add(e.getName());
                }
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream out = new ZipOutputStream(bytes)) {
                int c = 0;
                for (Map.Entry<String, List<String>> character : byCharacter.entrySet()) {
                    if (c++ == WAYS) {
                        break;
                    }
                    List<String> drawings = character.getValue().stream().sorted().toList();
                    for (int i = 0; i < SHOTS + QUERIES; i++) {
                        String file = drawings.get(i).substring(drawings.get(i).lastIndexOf('/') + 1);
                        out.putNextEntry(new ZipEntry((i < SHOTS ? "support/" : "query/") + character.getKey() + "/" + file));
                        try (InputStream in = zip.getInputStream(zip.getEntry(drawings.get(i)))) {
                            in.transferTo(out);
                        }
                        out.closeEntry();
                    }
                }
            }
            upload = TaskUpload.parse(bytes.toByteArray(), 1, 28, 28, TaskUpload.Limits.DEFAULTS);
        }
        List<String> classes = upload.classes();
        DatasetInfo dataset = new DatasetInfo("omniglot-small", 1, 28, 28, List.of(new DatasetInfo.Level("character",
                List.of("a", "b", "c", "d"))), Map.of("train", 80L, "test", 80L));
        ExperimentSpec spec = ExperimentSpec.supervised("omniglot-small", "conv4", 1, 16, 1e-3, 3, null);
        EvaluationSpec evaluation = new EvaluationSpec(null, null, null, null, null, null, null, null, "last", null, null)
                .withDefaults("test", null, null, null, false);
        int[] counts = upload.supportCounts();
        task = new FewShotTask("task-test", spec, dataset, evaluation, "last", classes,
                java.util.Arrays.stream(counts).boxed().toList(), upload.queryNames(), upload.labelled());
        // a freshly initialised supervised Conv4, through the checkpoint format the evaluator reads
        checkpoint = CheckpointCodec.decode(CheckpointCodec.encode(Methods.create(spec, dataset)
                .checkpoint("exp-test", new TrainingPosition(1, 0))));
        learner = FewShotLearners.fromCheckpoint(checkpoint, spec, dataset, evaluation);
        settings = FewShotValidation.testSettings(evaluation);
    }

    static Path projectRoot() {
        String home = System.getProperty("metaloop.home");
        Path dir = home != null ? Path.of(home) : Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        return dir;
    }

    @Test
    void theUploadHoldsTheRealDrawingsConvertedToTheModelsShape() {
        assertEquals(WAYS, upload.classes().size());
        assertEquals("character01", upload.classes().get(0));
        assertArrayEquals(new int[] {SHOTS, SHOTS, SHOTS, SHOTS, SHOTS}, upload.supportCounts());
        assertEquals(WAYS * QUERIES, upload.queries().size());
        BatchFrame frame = upload.frame();
        assertEquals(WAYS * (SHOTS + QUERIES), frame.count());
        // Omniglot drawings are black strokes on white: mostly 255 after the area-averaging resize, some dark
        int white = 0;
        int dark = 0;
        for (byte b : frame.pixels()) {
            white += (b & 0xFF) == 255 ? 1 : 0;
            dark += (b & 0xFF) < 128 ? 1 : 0;
        }
        assertTrue(white > frame.pixels().length / 2, "white pixels: " + white);
        assertTrue(dark > frame.pixels().length / 50, "dark pixels: " + dark);
    }

    @Test
    void queriesGoToTheNearestPrototypeOfTheFrozenFeatures() {
        BatchFrame frame = FrameCodec.decodeBatch(FrameCodec.encode(upload.frame()));
        List<TaskResult.Prediction> predictions = TaskPredictor.predict(learner, settings, frame, task, 100);

        // the same by hand: features of the checkpoint's encoder, class means, squared distances
        INDArray features = Classifier.encoderFromCheckpoint(checkpoint).network()
                .forward(Images.toTensor(frame, DataType.FLOAT), Mode.EVAL);
        double[][] f = features.toDoubleMatrix();
        int support = WAYS * SHOTS;
        double[][] prototypes = new double[WAYS][f[0].length];
        for (int s = 0; s < support; s++) {
            for (int d = 0; d < f[s].length; d++) {
                prototypes[s / SHOTS][d] += f[s][d] / SHOTS;
            }
        }
        int correct = 0;
        for (int q = 0; q < WAYS * QUERIES; q++) {
            int best = -1;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int w = 0; w < WAYS; w++) {
                double distance = 0;
                for (int d = 0; d < f[0].length; d++) {
                    double diff = f[support + q][d] - prototypes[w][d];
                    distance += diff * diff;
                }
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = w;
                }
            }
            TaskResult.Prediction p = predictions.get(q);
            assertEquals(upload.queryNames().get(q), p.query());
            assertEquals(task.classes().get(best), p.predicted(), "query " + p.query());
            assertEquals(task.classes().get(q / QUERIES), p.actual());
            assertEquals(p.actual().equals(p.predicted()), p.correct());
            correct += p.correct() ? 1 : 0;
        }
        TaskResult result = TaskResult.succeeded("task-test", "exp-test", "last", "k", "prototype", task.classes(),
                predictions, "w", 1.0, Instant.EPOCH);
        assertEquals(WAYS * QUERIES, result.labelled());
        assertEquals(correct, result.correct());
        assertEquals(correct / (double) (WAYS * QUERIES), result.accuracy(), 1e-12);
        System.out.println("untrained Conv4 prototypes: " + correct + " of 15 queries right");
        // untrained convolutional features already beat chance (3 of 15 expected); 7 measured on the oneDNN build,
        // one query of slack for another build's rounding
        assertTrue(correct >= 6, "only " + correct + " of 15 queries right");
    }

    @Test
    void chunkingQueriesChangesNoPredictionWithTheInductiveSetting() {
        BatchFrame frame = upload.frame();
        List<TaskResult.Prediction> whole = TaskPredictor.predict(learner, settings, frame, task, 1000);
        List<TaskResult.Prediction> chunked = TaskPredictor.predict(learner, settings, frame, task, 4);
        assertEquals(whole, chunked);
    }

    @Test
    void anUnlabelledTaskHasNoAccuracy() {
        BatchFrame labelled = upload.frame();
        int[] labels = labelled.labels().clone();
        for (int row = WAYS * SHOTS; row < labelled.count(); row++) {
            labels[2 * row] = TaskUpload.UNLABELLED;
        }
        BatchFrame frame = new BatchFrame(0, 0, 1, labelled.count(), 1, 28, 28, 2, labelled.pixels(), labels);
        FewShotTask unlabelled = new FewShotTask("t2", task.spec(), task.dataset(), task.evaluation(), "last", task.classes(),
                task.supportCounts(), task.queries(), false);
        List<TaskResult.Prediction> predictions = TaskPredictor.predict(learner, settings, frame, unlabelled, 100);
        assertEquals(WAYS * QUERIES, predictions.size());
        predictions.forEach(p -> {
            assertNull(p.actual());
            assertNull(p.correct());
        });
        TaskResult result = TaskResult.succeeded("t2", "e", "last", "k", "prototype", task.classes(), predictions, "w", 1.0,
                Instant.EPOCH);
        assertEquals(0, result.labelled());
        assertNull(result.accuracy());
        assertNull(result.correct());
    }

    @Test
    void aFrameThatDoesNotMatchTheTaskIsRefused() {
        BatchFrame frame = upload.frame();
        FewShotTask fewer = new FewShotTask("t3", task.spec(), task.dataset(), task.evaluation(), "last", task.classes(),
                task.supportCounts(), task.queries().subList(0, 3), true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskPredictor.predict(learner, settings, frame, fewer, 100));
        assertEquals("the stored task has 40 images with 2 label levels; the request describes 28 images (25 support, "
                + "3 queries) with 2", e.getMessage());
    }
}
