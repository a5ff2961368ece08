package io.metaloop.learning.nn;

import static io.metaloop.learning.nn.GradientCheck.assertGradients;
import static io.metaloop.learning.nn.GradientCheck.images;

import io.metaloop.learning.backbone.ConvNet4;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ConvNet4's backward pass (biased convolutions, max pooling, flattening) against central finite
 * differences in double precision, with the bounds argued in {@link GradientCheck}. Inputs are
 * random doubles, so no pooling window has a tie within h = 1e-6 of its maximum.
 */
class ConvNet4GradientTest {
    private static Network classifier(int channels, int size, int width, long seed) {
        return GradientCheck.classifier(ConvNet4.create("convnet4", channels, size, size, width), channels, size, 3, seed);
    }

    @Test
    void everyParameterOfANarrowConvNet4MatchesInTrainingMode() {
        // 18 px: 18 → 9 → 4 → 2 → 1, an odd size on the way so flooring is exercised
        Network net = classifier(2, 18, 3, 4);
        assertGradients(net, images(new Random(8), 4, 2, 18, 0, 1), new int[] {2, 0, 1, 1}, Mode.TRAIN);
    }

    @Test
    void everyParameterMatchesInEvaluationModeWithRunningStatistics() {
        Network net = classifier(1, 32, 2, 6);
        Random random = new Random(9);
        for (int i = 0; i < 3; i++) {
            net.forward(images(random, 3, 1, 32, 0, 1).mul(3).sub(1), Mode.TRAIN);
        }
        assertGradients(net, images(random, 3, 1, 32, 0, 1), new int[] {0, 2, 1}, Mode.EVAL);
    }
}
