package io.metaloop.learning.nn;

import static io.metaloop.learning.nn.GradientCheck.assertGradients;
import static io.metaloop.learning.nn.GradientCheck.images;

import io.metaloop.learning.backbone.ResNet12;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ResNet-12's backward pass (residual sums, 1×1 shortcuts, LeakyReLU, max pooling) against central
 * finite differences in double precision, with the bounds argued in {@link GradientCheck}.
 */
class ResNet12GradientTest {
    private static Network classifier(int channels, int size, long seed) {
        return GradientCheck.classifier(ResNet12.create("resnet12", channels, new int[] {2, 3, 2, 3}), channels, size, 3,
                seed);
    }

    @Test
    void everyParameterOfANarrowResNet12MatchesInTrainingMode() {
        Network net = classifier(2, 16, 3);
        assertGradients(net, images(new Random(21), 4, 2, 16, -1, 1), new int[] {1, 0, 2, 1}, Mode.TRAIN);
    }

    @Test
    void everyParameterMatchesInEvaluationMode() {
        Network net = classifier(1, 17, 4);
        Random random = new Random(22);
        for (int i = 0; i < 3; i++) {
            net.forward(images(random, 3, 1, 17, -1, 1).mul(2), Mode.TRAIN);
        }
        assertGradients(net, images(random, 3, 1, 17, -1, 1), new int[] {2, 1, 0}, Mode.EVAL);
    }
}
