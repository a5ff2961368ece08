package io.metaloop.learning.backbone;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.AugmentStep;
import io.metaloop.contracts.Augmentation;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.datasets.Batches;
import io.metaloop.datasets.FashionMnist;
import io.metaloop.datasets.ShardedSplit;
import io.metaloop.datasets.augment.Augmenter;
import io.metaloop.learning.BundledData;
import io.metaloop.learning.method.Supervised;
import io.metaloop.learning.model.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every backbone of the catalogue, full size, trains on real images: a few Adam steps on one batch
 * of Fashion-MNIST (resized to 32 px, the smallest size every backbone accepts) must lower its
 * loss clearly. This catches what gradient checks on narrow versions cannot: initialisation,
 * scale and wiring at the real widths.
 */
class BackbonesTrainOnRealImagesTest {
    private static final int SIZE = 32;
    private static final int STEPS = 12;
    private static BatchFrame batch;

    static List<String> backbones() {
        return io.metaloop.contracts.Catalog.BACKBONES;
    }

    @BeforeAll
    static void loadImages() throws Exception {
        ShardedSplit train = ShardedSplit.inMemory(FashionMnist.read(BundledData.fashionMnist()).get("train").head(16));
        Augmenter resize = new Augmenter(new Augmentation(null, List.of(AugmentStep.of("resize", "size", SIZE)), 1), 1, 28, 28);
        batch = Batches.assemble(train, null, 0, 0, 16, false, resize, 0);
    }

    @ParameterizedTest
    @MethodSource("backbones")
    void aFewStepsOnOneBatchLowerItsLoss(String backbone) {
        Supervised method = new Supervised(new ModelSpec(backbone, 1, SIZE, SIZE, 10), 2e-3, 1);
        double first = method.step(batch);
        double last = first;
        for (int i = 1; i < STEPS; i++) {
            last = method.step(batch);
        }
        System.out.printf("%s: loss %.4f -> %.4f in %d steps%n", backbone, first, last, STEPS - 1);
        assertTrue(Double.isFinite(last) && last < 0.5 * first, backbone + ": loss " + first + " -> " + last);
    }
}
