package io.metaloop.learning.nn;

import static io.metaloop.learning.nn.GradientCheck.assertGradients;
import static io.metaloop.learning.nn.GradientCheck.images;

import io.metaloop.learning.backbone.CifarResNet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A CIFAR ResNet's backward pass against central finite differences in double precision, with the
 * bounds argued in {@link GradientCheck}. One block per stage already has both kinds of
 * shortcut: the identity in stage 1, strided 1×1 projections in stages 2 and 3.
 */
class CifarResNetGradientTest {
    private static Network classifier(int channels, int size, long seed) {
        return GradientCheck.classifier(CifarResNet.create("resnet", channels, 1, new int[] {2, 3, 4}), channels, size, 3,
                seed);
    }

    @Test
    void everyParameterOfANarrowResNet8MatchesInTrainingMode() {
        Network net = classifier(2, 8, 3);
        assertGradients(net, images(new Random(21), 4, 2, 8, -1, 1), new int[] {1, 0, 2, 1}, Mode.TRAIN);
    }

    @Test
    void everyParameterMatchesInEvaluationMode() {
        Network net = classifier(1, 7, 4);
        Random random = new Random(22);
        for (int i = 0; i < 3; i++) {
            net.forward(images(random, 3, 1, 7, -1, 1).mul(2), Mode.TRAIN);
        }
        assertGradients(net, images(random, 3, 1, 7, -1, 1), new int[] {2, 1, 0}, Mode.EVAL);
    }
}
