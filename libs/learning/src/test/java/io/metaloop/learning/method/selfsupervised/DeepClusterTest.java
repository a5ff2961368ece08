package io.metaloop.learning.method.selfsupervised;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import io.metaloop.learning.checkpoint.TrainingPosition;
import io.metaloop.learning.method.Methods;
import io.metaloop.learning.train.BatchSource;
import io.metaloop.learning.train.StepReport;
import io.metaloop.learning.train.TrainingListener;
import io.metaloop.learning.train.TrainingLoop;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DeepCluster on a few hundred real Fashion-MNIST images, with batches cut the way dataset-service
 * cuts them ({@code BatchServer}: {@link EpochOrder} with the experiment's seed, {@link Batches#assemble}).
 */
class DeepClusterTest {
    private static final int IMAGES = 300;
    private static final int BATCH = 50;
    private static final long SEED = 3;
    private static SplitData train;

    @BeforeAll
    static void readImages() throws Exception {
        train = FashionMnist.read(BundledData.fashionMnist()).get("train").head(IMAGES);
    }

    private static ExperimentSpec spec() {
        return Json.read("""
                {"method": "deepcluster", "dataset": "fashion-mnist", "backbone": "conv4", "epochs": 2,
                 "batchSize": %d, "seed": %d, "normalize": {"mean": [0.286], "std": [0.353]},
                 "deepcluster": {"clusters": 20, "restarts": 2}}""".formatted(BATCH, SEED), ExperimentSpec.class);
    }

    private static DatasetInfo info() {
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            classes.add("class" + c);
        }
        return new DatasetInfo("fashion-mnist", 1, 28, 28, List.of(new DatasetInfo.Level("class", classes)),
                Map.of("train", (long) IMAGES), null);
    }

    private static DeepCluster method() {
        return (DeepCluster) Methods.create(spec(), info());
    }

    /** The whole split in stored order, not augmented, last batch kept: what the trainer's second stream asks for. */
    private static BatchSource wholeSplit() {
        return source(epoch -> null, 64, false, null);
    }

    /** Training batches as dataset-service serves a shuffled epoch with dropLast. */
    private static BatchSource trainingBatches(long orderSeed, Augmenter augmenter) {
        return source(epoch -> EpochOrder.permutation(train.count(), orderSeed, epoch), BATCH, true, augmenter);
    }

    private static BatchSource source(IntFunction<int[]> orders, int batchSize, boolean dropLast, Augmenter augmenter) {
        ShardedSplit data = ShardedSplit.inMemory(train);
        long total = Batches.count(train.count(), batchSize, dropLast);
        return (epoch, fromBatch) -> new BatchSource.EpochStream() {
            private final int[] order = orders.apply(epoch);
            private long next = fromBatch;

            @Override
            public BatchFrame next() {
                if (next >= total) {
                    return null;
                }
                long index = next++;
                return augmenter == null ? Batches.assemble(data, order, epoch, index, batchSize, dropLast)
                        : Batches.assemble(data, order, epoch, index, batchSize, dropLast, augmenter, SEED);
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aTrainingBatchGetsThePseudoLabelsOfTheImagesItHolds() throws Exception {
        DeepCluster method = method();
        assertEquals(20, method.clusters());
        method.prepareEpoch(1, wholeSplit());
        int[] pseudo = method.pseudoLabels();
        assertEquals(IMAGES, pseudo.length);
        assertTrue(Arrays.stream(pseudo).allMatch(c -> c >= 0 && c < 20));
        // find each row's example by its pixels, independently of the epoch order
        Map<ByteBuffer, List<Integer>> byPixels = new HashMap<>();
        int bytes = train.imageBytes();
        for (int i = 0; i < IMAGES; i++) {
            byPixels.computeIfAbsent(ByteBuffer.wrap(train.pixels(), i * bytes, bytes).slice(), k -> new ArrayList<>()).add(i);
        }
        BatchSource batches = trainingBatches(SEED, null);
        int rows = 0;
        try (BatchSource.EpochStream stream = batches.open(1, 0)) {
            for (BatchFrame batch; (batch = stream.next()) != null; ) {
                int[] labels = method.batchLabels(batch);
                for (int r = 0; r < batch.count(); r++) {
                    List<Integer> examples = byPixels.get(ByteBuffer.wrap(batch.pixels(), r * bytes, bytes).slice());
                    assertNotNull(examples, "row " + r + " of batch " + batch.batchIndex() + " is no image of the split");
                    int label = labels[r];
                    assertTrue(examples.stream().anyMatch(e -> pseudo[e] == label),
                            "batch " + batch.batchIndex() + " row " + r + ": pseudo-label " + label + ", its image is example(s) "
                                    + examples);
                    rows++;
                }
            }
        }
        assertEquals(IMAGES / BATCH * BATCH, rows);
    }

    @Test
    void batchesCutFromAnotherOrderOrEpochAreRefused() throws Exception {
        DeepCluster method = method();
        method.prepareEpoch(0, wholeSplit());
        BatchFrame otherSeed = trainingBatches(SEED + 1, null).open(0, 0).next();
        var e = assertThrows(IllegalStateException.class, () -> method.batchLabels(otherSeed));
        assertTrue(e.getMessage().contains("EpochOrder"), e.getMessage());
        BatchFrame nextEpoch = trainingBatches(SEED, null).open(1, 0).next();
        assertThrows(IllegalStateException.class, () -> method.batchLabels(nextEpoch));
    }

    @Test
    void anEpochTrainsWithFiniteLossAndAResumedRunContinuesWithTheSameLabelsAndHead() throws Exception {
        ExperimentSpec spec = spec();
        Augmenter cropFlip = new Augmenter(spec.augment(), 1, 28, 28);
        assertEquals(1, cropFlip.views());
        BatchSource training = trainingBatches(SEED, cropFlip);
        List<Double> losses = new ArrayList<>();
        Map<TrainingPosition, Checkpoint> saved = new HashMap<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStep(StepReport report) {
                losses.add(report.loss());
            }

            @Override
            public void onEpochEnd(int epochsDone, long stepsPerEpoch, String key) {
            }
        };
        DeepCluster method = method();
        new TrainingLoop(method, training, c -> {
            saved.put(c.position(), c);
            return "k";
        }, listener, Duration.ZERO, null, wholeSplit()).run("x", TrainingPosition.START, 1);
        assertEquals(IMAGES / BATCH, losses.size());
        assertTrue(losses.stream().allMatch(l -> Double.isFinite(l) && l > 0), "losses " + losses);

        // restore the checkpoint taken after 2 of the 6 batches and train the rest of the epoch
        Checkpoint inside = saved.get(new TrainingPosition(0, 2));
        DeepCluster resumed = method();
        resumed.restore(inside);
        assertArrayEquals(method.pseudoLabels(), resumed.pseudoLabels());
        Checkpoint again = resumed.checkpoint("x", inside.position());
        assertEquals(inside.extras().keySet(), again.extras().keySet());
        for (String name : inside.extras().keySet()) {
            assertArrayEquals(inside.extras().get(name), again.extras().get(name), name);
        }
        assertTrue(inside.extras().containsKey("head.params") && inside.extras().containsKey("deepcluster.pseudoLabels"));
        new TrainingLoop(resumed, training, c -> "k", listener, Duration.ofDays(1), null, wholeSplit())
                .run("x", inside.position(), 1);
        Checkpoint end = saved.get(TrainingPosition.epochStart(1));
        Checkpoint resumedEnd = resumed.checkpoint("x", TrainingPosition.epochStart(1));
        assertArrayEquals(end.extra("deepcluster.pseudoLabels"), resumedEnd.extra("deepcluster.pseudoLabels"));
        assertArrayEquals(end.extra("head.params"), resumedEnd.extra("head.params"), 1e-5f);
        assertArrayEquals(end.params(), resumedEnd.params(), 1e-5f);
    }

    @Test
    void preparingAnEpochResetsTheLastLayerToTheSeedsInitialisation() throws Exception {
        DeepCluster method = method();
        method.prepareEpoch(0, wholeSplit());
        Checkpoint c = method.checkpoint("x", TrainingPosition.START);
        float[] head = c.extra("head.params");
        // head layout: linear1 [64, 256] + [256], bn1 gamma/beta [256] each, linear2 [256, 20] + [20]
        int lastWeights = 64 * 256 + 256 + 2 * 256;
        int count = 256 * 20;
        double sum = 0;
        double squares = 0;
        for (int i = lastWeights; i < lastWeights + count; i++) {
            sum += head[i];
            squares += head[i] * head[i];
        }
        double std = Math.sqrt(squares / count - (sum / count) * (sum / count));
        assertEquals(DeepCluster.LAST_LAYER_STD, std, 0.001); // 5,120 draws: the sample std has a relative standard error of about 1 %
        for (int i = lastWeights + count; i < head.length; i++) {
            assertEquals(0f, head[i], "bias " + (i - lastWeights - count));
        }
        assertEquals(lastWeights + count + 20, head.length);
    }
}
