package io.metaloop.learning.method;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.datasets.Batches;
import io.metaloop.datasets.EpochOrder;
import io.metaloop.datasets.FashionMnist;
import io.metaloop.datasets.ShardedSplit;
import io.metaloop.datasets.SplitData;
import io.metaloop.learning.BundledData;
import io.metaloop.learning.data.Images;
import io.metaloop.learning.model.ModelSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** Conv4 learns real Fashion-MNIST images: a small run must beat chance (10 %) by far. */
class SupervisedFashionMnistTest {
    @Test
    void twoEpochsOnThreeThousandImagesReachSeventyPercentOnHeldOutImages() throws Exception {
        var splits = FashionMnist.read(BundledData.fashionMnist());
        SplitData train = splits.get("train").head(3000);
        SplitData test = splits.get("test").head(1000);
        Supervised method = new Supervised(new ModelSpec("conv4", 1, 28, 28, 10), 0.005, 1);
        double firstLoss = Double.NaN;
        double lastLoss = Double.NaN;
        for (int epoch = 0; epoch < 2; epoch++) {
            int[] order = EpochOrder.permutation(train.count(), 1, epoch);
            long batches = Batches.count(train.count(), 50, true);
            for (long b = 0; b < batches; b++) {
                double loss = method.step(Batches.assemble(ShardedSplit.inMemory(train), order, epoch, b, 50, true));
                firstLoss = Double.isNaN(firstLoss) ? loss : firstLoss;
                lastLoss = loss;
            }
        }
        int correct = 0;
        for (long b = 0; b < Batches.count(test.count(), 250, false); b++) {
            BatchFrame batch = Batches.assemble(ShardedSplit.inMemory(test), null, 0, b, 250, false);
            int[] predicted = method.model().predict(Images.toTensor(batch, DataType.FLOAT));
            int[] labels = Images.labels(batch, 0);
            for (int i = 0; i < labels.length; i++) {
                correct += predicted[i] == labels[i] ? 1 : 0;
            }
        }
        assertTrue(lastLoss < firstLoss / 2, "loss fell from " + firstLoss + " to " + lastLoss);
        assertTrue(correct >= 700, correct + " of 1000 held-out images right");
    }
}
