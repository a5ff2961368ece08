package io.metaloop.learning.method.auxiliary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.GeneratedLabels;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.datasets.Batches;
import io.metaloop.datasets.EpochOrder;
import io.metaloop.datasets.FashionMnist;
import io.metaloop.datasets.ShardedSplit;
import io.metaloop.datasets.SplitData;
import io.metaloop.learning.BundledData;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.CheckpointCodec;
import io.metaloop.learning.checkpoint.TrainingPosition;
import io.metaloop.learning.method.Methods;
import io.metaloop.learning.method.TrainingMethod;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.nn.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Single, Human and MAXL on real images: Fashion-MNIST with a two-level hierarchy (level 0 the 10
 * classes, level 1 five groups of two: tops, warm tops, trousers and dresses, shoes, bags and
 * boots; ψ = [2, 2, 2, 2, 2]). Each trains with finite, falling loss; a checkpoint taken mid-run
 * restored into a fresh method continues with identical losses and weights; the evaluated model
 * is the multi-task network's backbone and primary classifier; the generated labels stay inside
 * their blocks.
 */
class AuxiliaryTrainingTest {
    /** Fashion-MNIST class → group: T-shirt, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot. */
    static final int[] GROUP = {0, 2, 1, 2, 1, 3, 0, 3, 4, 4};

    static final DatasetInfo DATA = new DatasetInfo("fashion-mnist-groups", 1, 28, 28, List.of(
            new DatasetInfo.Level("class", List.of("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker",
                    "bag", "ankle-boot")),
            new DatasetInfo.Level("group", List.of("tops", "warm-tops", "trousers-dresses", "shoes", "bags-boots"))), Map.of());

    static ExperimentSpec spec(String method, String section) {
        return Json.read("{\"method\":\"" + method + "\",\"dataset\":\"fashion-mnist-groups\",\"backbone\":\"conv4\",\"epochs\":2,"
                + "\"batchSize\":16,\"seed\":3,\"optimizer\":{\"learningRate\":0.1}" + section + "}", ExperimentSpec.class);
    }

    /** Batches with two label levels: the class and its group. */
    static List<BatchFrame> batches(int batch, int count) {
        SplitData train;
        try {
            train = FashionMnist.read(BundledData.fashionMnist()).get("train").head(batch * count);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        int[] order = EpochOrder.permutation(train.count(), 3, 0);
        List<BatchFrame> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            BatchFrame flat = Batches.assemble(ShardedSplit.inMemory(train), order, 0, b, batch, true);
            int[] labels = new int[flat.count() * 2];
            for (int i = 0; i < flat.count(); i++) {
                labels[2 * i] = flat.label(i, 0);
                labels[2 * i + 1] = GROUP[flat.label(i, 0)];
            }
            // data epochs alternate every 4 batches, so two-pass MAXL sees both of its passes
            out.add(new BatchFrame((b / 4) % 2, b, count, flat.count(), 1, 28, 28, 2, flat.pixels(), labels));
        }
        return out;
    }

    private static void learnsAndResumes(String method, String section) {
        int steps = 14;
        List<BatchFrame> batches = batches(16, steps + 2);
        ExperimentSpec spec = spec(method, section);
        TrainingMethod trained = Methods.create(spec, DATA);
        assertEquals(method, trained.name());
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            losses[s] = trained.step(batches.get(s));
            assertTrue(Double.isFinite(losses[s]), method + " step " + s + ": " + losses[s]);
        }
        double first = (losses[0] + losses[1] + losses[2]) / 3;
        double last = (losses[steps - 3] + losses[steps - 2] + losses[steps - 1]) / 3;
        assertTrue(last < first, method + " loss " + java.util.Arrays.toString(losses));

        Checkpoint saved = CheckpointCodec.decode(CheckpointCodec.encode(trained.checkpoint("aux-test", new TrainingPosition(0, steps))));
        TrainingMethod resumed = Methods.create(spec, DATA);
        resumed.restore(saved);
        for (int s = steps; s < steps + 2; s++) {
            assertEquals(trained.step(batches.get(s)), resumed.step(batches.get(s)), 0, method + " step " + s);
        }
        assertArrayEquals(((AuxiliaryLearning) trained).multiTask().params().toFloatVector(),
                ((AuxiliaryLearning) resumed).multiTask().params().toFloatVector());
        // the evaluated model is the checkpoint's model: the backbone and the primary classifier
        Checkpoint end = trained.checkpoint("aux-test", new TrainingPosition(0, steps + 2));
        Classifier evaluated = Classifier.fromCheckpoint(end);
        Network multiTask = ((AuxiliaryLearning) trained).multiTask();
        float[] prefix = java.util.Arrays.copyOf(multiTask.params().toFloatVector(), (int) evaluated.network().numParams());
        assertArrayEquals(prefix, evaluated.network().params().toFloatVector());
        assertEquals(5, evaluated.spec().classes());
    }

    @Test
    void singleLearnsAndResumes() {
        learnsAndResumes("single", "");
    }

    @Test
    void humanLearnsAndResumes() {
        learnsAndResumes("human", "");
    }

    @Test
    void exactMaxlLearnsAndResumes() {
        learnsAndResumes("maxl", ",\"maxl\":{\"psi\":[2,2,2,2,2]}");
    }

    @Test
    void fusedMaxlLearnsAndResumes() {
        learnsAndResumes("maxl", ",\"maxl\":{\"psi\":[2,2,2,2,2],\"schedule\":\"fused\"}");
    }

    /** The seed's schedule: data epoch 2e is pass A (only θ moves), 2e + 1 pass B (only φ moves). */
    @Test
    void twoPassMaxlStepsTheMultiTaskNetworkThenTheGenerator() {
        List<BatchFrame> batches = batches(16, 8);
        Maxl maxl = (Maxl) Methods.create(spec("maxl", ",\"maxl\":{\"psi\":[2,2,2,2,2]}"), DATA);
        assertEquals(2, maxl.passesPerEpoch());
        float[] theta = maxl.multiTask().params().toFloatVector();
        float[] phi = maxl.generator().network().params().toFloatVector();
        maxl.step(batches.get(0)); // epoch 0: pass A
        assertTrue(!java.util.Arrays.equals(theta, maxl.multiTask().params().toFloatVector()), "pass A moves θ");
        assertArrayEquals(phi, maxl.generator().network().params().toFloatVector(), "pass A leaves φ");
        theta = maxl.multiTask().params().toFloatVector();
        maxl.step(batches.get(4)); // data epoch 1: pass B of epoch 0
        assertArrayEquals(theta, maxl.multiTask().params().toFloatVector(), "pass B leaves θ");
        assertTrue(!java.util.Arrays.equals(phi, maxl.generator().network().params().toFloatVector()), "pass B moves φ");
        Maxl fused = (Maxl) Methods.create(spec("maxl", ",\"maxl\":{\"psi\":[2,2,2,2,2],\"schedule\":\"fused\"}"), DATA);
        assertEquals(1, fused.passesPerEpoch());
    }

    @Test
    void firstOrderMaxlLearnsAndResumes() {
        learnsAndResumes("maxl", ",\"maxl\":{\"psi\":[2,2,2,2,2],\"metaGradient\":\"first-order\"}");
    }

    @Test
    void generatedLabelsStayInTheirBlocksAndAreReported() {
        List<BatchFrame> batches = batches(16, 4); // all pass A: every image's labels counted once
        Maxl maxl = (Maxl) Methods.create(spec("maxl", ",\"maxl\":{\"psi\":[2,2,2,2,2]}"), DATA);
        for (BatchFrame b : batches) {
            maxl.step(b);
        }
        GeneratedLabels report = maxl.trainingLabelReport();
        assertEquals(5, report.classes().size());
        long images = report.classes().stream().mapToLong(GeneratedLabels.PrimaryClass::images).sum();
        assertEquals(64, images);
        for (GeneratedLabels.PrimaryClass c : report.classes()) {
            assertEquals(2, c.meanDistribution().size());
            if (c.images() > 0) {
                assertEquals(1, c.meanDistribution().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
                assertTrue(c.used() >= 1 && c.used() <= 2);
                assertTrue(c.effective() >= 1 - 1e-9 && c.effective() <= 2 + 1e-9, "effective " + c.effective());
            }
        }
        // the generator from the checkpoint gives the live generator's labels
        Checkpoint saved = CheckpointCodec.decode(CheckpointCodec.encode(maxl.checkpoint("aux-test", new TrainingPosition(0, 4))));
        LabelGenerator restored = LabelGenerator.fromCheckpoint(saved);
        var images0 = io.metaloop.learning.data.Images.toTensor(batches.get(0), org.nd4j.linalg.api.buffer.DataType.FLOAT);
        int[] groups = io.metaloop.learning.data.Images.labels(batches.get(0), 1);
        assertArrayEquals(maxl.generator().generate(images0, groups), restored.generate(images0, groups), 1e-6);
    }

    @Test
    void aMissingLevelAndAPsiOfTheWrongLengthAreNamed() {
        DatasetInfo flat = new DatasetInfo("fashion-mnist", 1, 28, 28, List.of(DATA.levels().get(0)), Map.of());
        var noLevel = assertThrows(IllegalArgumentException.class, () -> Methods.create(spec("single", ""), flat));
        assertTrue(noLevel.getMessage().contains("single.primaryLevel"), noLevel.getMessage());
        var badPsi = assertThrows(IllegalArgumentException.class,
                () -> Methods.create(spec("maxl", ",\"maxl\":{\"psi\":[2,2,2,4]}"), DATA));
        assertTrue(badPsi.getMessage().contains("maxl.psi"), badPsi.getMessage());
        var adam = assertThrows(io.metaloop.contracts.InvalidMessageException.class,
                () -> spec("maxl", ",\"maxl\":{\"psi\":[2,2,2,2,2]},\"optimizer\":{\"name\":\"adam\"}"));
        assertTrue(adam.getMessage().contains("optimizer"), adam.getMessage());
    }
}
