package io.metaloop.learning.nn;

import static io.metaloop.learning.nn.GradientCheck.assertGradients;
import static io.metaloop.learning.nn.GradientCheck.images;

import io.metaloop.learning.backbone.Vgg16;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * VGG-16's backward pass (thirteen biased convolutions with BatchNorm, five max pools) against
 * central finite differences in double precision, with the bounds argued in {@link GradientCheck}.
 */
class Vgg16GradientTest {
    private static final int[][] NARROW = {{2, 2}, {2, 2}, {2, 2, 2}, {2, 2, 2}, {2, 2, 2}};

    private static Network classifier(int channels, int size, long seed) {
        return GradientCheck.classifier(Vgg16.create("vgg16", channels, size, size, NARROW), channels, size, 3, seed);
    }

    @Test
    void everyParameterOfANarrowVgg16MatchesInTrainingMode() {
        Network net = classifier(2, 32, 3);
        assertGradients(net, images(new Random(21), 3, 2, 32, -1, 1), new int[] {1, 0, 2}, Mode.TRAIN);
    }

    @Test
    void everyParameterMatchesInEvaluationMode() {
        Network net = classifier(1, 32, 4);
        Random random = new Random(22);
        for (int i = 0; i < 3; i++) {
            net.forward(images(random, 3, 1, 32, -1, 1).mul(2), Mode.TRAIN);
        }
        assertGradients(net, images(random, 3, 1, 32, -1, 1), new int[] {2, 1, 0}, Mode.EVAL);
    }
}
