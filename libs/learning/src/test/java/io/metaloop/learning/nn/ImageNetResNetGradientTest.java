package io.metaloop.learning.nn;

import static io.metaloop.learning.nn.GradientCheck.assertGradients;
import static io.metaloop.learning.nn.GradientCheck.images;
import static io.metaloop.learning.nn.GradientCheck.sampleOfEachTensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metaloop.learning.backbone.ImageNetResNet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A narrow ImageNet ResNet's backward pass against central finite differences in double precision,
 * with the bounds argued in {@link GradientCheck}: the same builder as ResNet-18/34, widths
 * 2-3-2-3. Stage 1 has identity shortcuts, stages 2–4 strided 1×1 projections; the stem's padded
 * 3×3/2 max pool is on the path. At 33 px the maps are 33 → 17 (stem) → 9 (pool) → 9 → 5 → 3 → 2,
 * so even the last stage's 3×3 convolutions use more than their centre weight.
 *
 * <p>A forward pass of this 40-odd-layer net costs 5–10 ms in double (op overhead, not arithmetic),
 * so differencing all ~700 parameters would take 15 s; every fifth element of each tensor, and its
 * last, keeps each test to a few seconds while still reaching every convolution, BatchNorm and
 * shortcut. (The pool's own input gradient is checked element by element in PaddedMaxPoolTest.)
 */
class ImageNetResNetGradientTest {
    private static final int[] WIDTHS = {2, 3, 2, 3};
    private static final int SIZE = 33;
    private static final int STEP = 5;

    private static Network classifier(int channels, int[] blocks, long seed) {
        return GradientCheck.classifier(ImageNetResNet.create("resnet", channels, WIDTHS, blocks), channels, SIZE, 3, seed);
    }

    @Test
    void sampledParametersMatchInTrainingModeWithTwoIdentityBlocksInStageOne() {
        Network net = classifier(2, new int[] {2, 1, 1, 1}, 5);
        // stem conv + BN: 3 tensors; identity blocks 2 convs + 2·2 BN: 6 each; projection blocks 3 convs
        // + 3·2 BN: 9 each; head weights and bias: 2 — 3 + 2·6 + 3·9 + 2 = 44 tensors, all sampled
        assertEquals(44, net.root().parameterShapes().size());
        assertGradients(net, images(new Random(31), 3, 2, SIZE, -1, 1), new int[] {1, 0, 2}, Mode.TRAIN,
                sampleOfEachTensor(net, STEP));
    }

    @Test
    void sampledParametersMatchInEvaluationMode() {
        Network net = classifier(1, new int[] {1, 1, 1, 1}, 6);
        Random random = new Random(32);
        for (int i = 0; i < 3; i++) { // running statistics away from their initial 0 and 1
            net.forward(images(random, 3, 1, SIZE, -1, 1).mul(2), Mode.TRAIN);
        }
        assertGradients(net, images(random, 3, 1, SIZE, -1, 1), new int[] {2, 1, 0}, Mode.EVAL, sampleOfEachTensor(net, STEP));
    }
}
