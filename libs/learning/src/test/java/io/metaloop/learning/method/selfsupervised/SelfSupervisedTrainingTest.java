package io.metaloop.learning.method.selfsupervised;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.datasets.Batches;
import io.metaloop.datasets.EpochOrder;
import io.metaloop.datasets.FashionMnist;
import io.metaloop.datasets.ShardedSplit;
import io.metaloop.datasets.SplitData;
import io.metaloop.datasets.augment.Augmenter;
import io.metaloop.learning.BundledData;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.CheckpointCodec;
import io.metaloop.learning.checkpoint.TrainingPosition;
import io.metaloop.learning.method.Methods;
import io.metaloop.learning.method.TrainingMethod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The self-supervised methods train on real Fashion-MNIST images through the data plane's
 * augmentations: their losses fall, and a run restored from a checkpoint continues bit for bit
 * as the uninterrupted one (backbone, head, both optimisers).
 */
class SelfSupervisedTrainingTest {
    private static final DatasetInfo DATA = new DatasetInfo("fashion-mnist", 1, 28, 28,
            List.of(new DatasetInfo.Level("class", List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"))),
            Map.of("train", 20_000L, "test", 10_000L), null);
    private static SplitData train;

    @BeforeAll
    static void load() throws Exception {
        train = FashionMnist.read(BundledData.fashionMnist()).get("train").head(640);
    }

    private static ExperimentSpec spec(String json) {
        return Json.read(json, ExperimentSpec.class);
    }

    private static BatchFrame batch(ExperimentSpec spec, int epoch, long index) {
        int[] order = EpochOrder.permutation(train.count(), spec.seed(), epoch);
        Augmenter augmenter = new Augmenter(spec.augment(), 1, 28, 28);
        return Batches.assemble(ShardedSplit.inMemory(train), order, epoch, index, spec.batchSize(), true, augmenter, spec.seed());
    }

    private static double[] losses(TrainingMethod method, ExperimentSpec spec, int epoch, long from, long to) {
        double[] losses = new double[(int) (to - from)];
        for (long b = from; b < to; b++) {
            losses[(int) (b - from)] = method.step(batch(spec, epoch, b));
        }
        return losses;
    }

    private static void trainsAndResumesExactly(String json, double firstToLastRatio) {
        ExperimentSpec spec = spec(json);
        TrainingMethod method = Methods.create(spec, DATA);
        long batches = train.count() / spec.batchSize();
        double[] first = losses(method, spec, 0, 0, batches);
        double[] second = losses(method, spec, 1, 0, 4);
        double early = (first[0] + first[1]) / 2;
        double late = (second[2] + second[3]) / 2;
        assertTrue(late < early * firstToLastRatio, spec.method() + ": loss " + early + " → " + late);

        Checkpoint saved = CheckpointCodec.decode(CheckpointCodec.encode(method.checkpoint("x", new TrainingPosition(1, 4))));
        double[] straight = losses(method, spec, 1, 4, 6);
        TrainingMethod resumed = Methods.create(spec, DATA);
        resumed.restore(saved);
        double[] again = losses(resumed, spec, 1, 4, 6);
        assertArrayEquals(straight, again, 0.0, spec.method() + " continues identically after a restore");
        assertArrayEquals(method.model().network().params().toFloatVector(), resumed.model().network().params().toFloatVector());
    }

    @Test
    void relationalReasoningLearnsAndResumesExactly() {
        trainsAndResumesExactly("""
                {"method": "relational-reasoning", "dataset": "fashion-mnist", "backbone": "conv4", "epochs": 2,
                 "batchSize": 32, "seed": 3, "augment": {"preset": "simclr", "views": 4}}""", 0.8);
    }

    @Test
    void simclrLearnsAndResumesExactly() {
        trainsAndResumesExactly("""
                {"method": "simclr", "dataset": "fashion-mnist", "backbone": "conv4", "epochs": 2, "batchSize": 32,
                 "seed": 3}""", 0.95);
    }

    @Test
    void rotationLearnsAndResumesExactly() {
        trainsAndResumesExactly("""
                {"method": "rotation", "dataset": "fashion-mnist", "backbone": "conv4", "epochs": 2, "batchSize": 32,
                 "seed": 3}""", 0.95);
    }

    @Test
    void theSeedsDefaultsAreFilledIn() {
        ExperimentSpec rr = spec("""
                {"method": "relational-reasoning", "dataset": "cifar10", "backbone": "conv4", "epochs": 200, "batchSize": 64}""");
        assertEquals(32, rr.augment().views());
        assertEquals("simclr", rr.augment().preset());
        assertEquals("adam", rr.optimizer().name());
        assertEquals(1e-3, rr.optimizer().learningRate());
        assertEquals(List.of(0.491, 0.482, 0.447), rr.normalize().mean());
        assertEquals("cat", rr.relationalReasoning().aggregation());
        assertEquals(2.0, rr.relationalReasoning().focalGamma());
        assertEquals(100, rr.linearEvaluation().epochs());
        assertEquals(128, rr.linearEvaluation().batchSize());
        assertEquals("test", rr.linearEvaluation().testSplit());
        ExperimentSpec standard = spec("""
                {"method": "standard", "dataset": "cifar100", "backbone": "resnet32", "epochs": 200, "batchSize": 128}""");
        assertEquals("sgd", standard.optimizer().name());
        assertEquals(0.9, standard.optimizer().momentum());
        assertEquals(List.of(100, 150), standard.optimizer().schedule().milestones());
        assertEquals(1e-4, spec("""
                {"method": "deep-infomax", "dataset": "cifar10", "backbone": "conv4", "epochs": 1, "batchSize": 128}""")
                .optimizer().learningRate());
        assertEquals(0, spec("""
                {"method": "random-weights", "dataset": "cifar10", "backbone": "conv4", "batchSize": 128}""").epochs());
        var one = assertThrows(io.metaloop.contracts.InvalidMessageException.class, () -> spec("""
                {"method": "simclr", "dataset": "cifar10", "backbone": "conv4", "epochs": 1, "batchSize": 128,
                 "augment": {"preset": "simclr", "views": 3}}"""));
        assertTrue(one.getMessage().contains("augment.views"), one.getMessage());
        var single = assertThrows(io.metaloop.contracts.InvalidMessageException.class, () -> spec("""
                {"method": "relational-reasoning", "dataset": "cifar10", "backbone": "conv4", "epochs": 1, "batchSize": 1}"""));
        assertEquals("batchSize", single.errors().get(0).field(), "a batch of one image has no negative");
    }
}
