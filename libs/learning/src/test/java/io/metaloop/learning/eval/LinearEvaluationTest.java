package io.metaloop.learning.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.datasets.Batches;
import io.metaloop.datasets.FashionMnist;
import io.metaloop.datasets.ShardedSplit;
import io.metaloop.datasets.SplitData;
import io.metaloop.learning.BundledData;
import io.metaloop.learning.data.Images;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Mode;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class LinearEvaluationTest {

    @Test
    void featuresLeaveTheBackbonesRunningStatisticsBitIdentical() throws Exception {
        Map<String, SplitData> splits = FashionMnist.read(BundledData.fashionMnist());
        SplitData images = splits.get("train").head(256);
        Classifier backbone = Classifier.create(ModelSpec.features("conv4", 1, 28, 28), 4, DataType.FLOAT);
        // a few training-mode passes first, so the running statistics are not their initial 0 and 1
        BatchFrame first = Batches.assemble(ShardedSplit.inMemory(images), null, 0, 0, 128, false);
        for (int i = 0; i < 3; i++) {
            backbone.network().forward(Images.toTensor(first, DataType.FLOAT), Mode.TRAIN);
        }
        float[] before = backbone.network().buffers().toFloatVector();
        float[] params = backbone.network().params().toFloatVector();
        LinearEvaluation.Collector collector = new LinearEvaluation.Collector(0);
        for (long b = 0; b < 2; b++) {
            BatchFrame batch = Batches.assemble(ShardedSplit.inMemory(images), null, 0, b, 128, false);
            collector.add(LinearEvaluation.features(backbone, batch, null), batch);
        }
        assertArrayEquals(before, backbone.network().buffers().toFloatVector(), 0f);
        assertArrayEquals(params, backbone.network().params().toFloatVector(), 0f);
        LinearEvaluation.Features features = collector.features();
        assertEquals(256, features.count());
        assertEquals(64, features.width());
        assertArrayEquals(Images.labels(first, 0), java.util.Arrays.copyOf(features.labels(), 128));
    }

    @Test
    void aHeadOnLinearlySeparableFeaturesScoresEverything() {
        // three classes at the corners of a simplex, small noise: a linear head separates them exactly
        Random random = new Random(1);
        int n = 600;
        float[] x = new float[n * 3];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int k = 0; k < 3; k++) {
                x[i * 3 + k] = (k == labels[i] ? 2f : 0f) + (float) (0.2 * random.nextGaussian());
            }
        }
        LinearEvaluation.Features all = new LinearEvaluation.Features(Nd4j.create(x, new long[] {n, 3}, 'c'), labels);
        LinearEvaluation.Result result = LinearEvaluation.run(all, all, 3, new LinearEvaluation.Settings(30, 32, 0.01, 7));
        assertEquals(1.0, result.testAccuracy());
        assertEquals(600, result.testCorrect());
        assertTrue(result.finalLoss() < 0.1, "final loss " + result.finalLoss());
        // the same settings give the same head: the result is a function of (features, settings)
        assertEquals(result, LinearEvaluation.run(all, all, 3, new LinearEvaluation.Settings(30, 32, 0.01, 7)));
    }

    @Test
    void unlabelledImagesAreRefused() {
        BatchFrame unlabelled = new BatchFrame(0, 0, 1, 2, 1, 1, 1, 1, new byte[] {1, 2}, new int[] {-1, -1});
        LinearEvaluation.Collector collector = new LinearEvaluation.Collector(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> collector.add(Nd4j.zeros(DataType.FLOAT, 2, 4), unlabelled));
        assertTrue(e.getMessage().contains("no label"), e.getMessage());
    }
}
