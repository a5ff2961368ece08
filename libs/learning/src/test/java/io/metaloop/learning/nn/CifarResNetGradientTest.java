package io.metaloop.learning.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.learning.backbone.Backbone;
import io.metaloop.learning.backbone.CifarResNet;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A CIFAR ResNet's backward pass against central finite differences in double precision, with the
 * bounds argued in {@link Conv4GradientTest}. One block per stage already has both kinds of
 * shortcut: the identity in stage 1, strided 1×1 projections in stages 2 and 3.
 */
class CifarResNetGradientTest {
    private static final double H = 1e-6;
    private static final double TOLERANCE = 1e-5;
    private static final double FLOOR = 1e-4;

    private static Network classifier(int channels, int size, long seed) {
        Backbone backbone = CifarResNet.create("resnet", channels, 1, new int[] {2, 3, 4});
        return new Network(new Sequential(List.of(backbone.layer(), new Linear(backbone.featureSize(), 3))),
                new long[] {channels, size, size}, DataType.DOUBLE, seed);
    }

    private static INDArray images(Random random, int batch, int channels, int size) {
        double[] values = new double[batch * channels * size * size];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() * 2 - 1;
        }
        return Nd4j.create(values, new long[] {batch, channels, size, size}, DataType.DOUBLE);
    }

    private static void check(Network net, INDArray x, int[] labels, Mode mode) {
        SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.evaluate(net.forward(x, mode), labels);
        net.backward(r.gradLogits());
        INDArray analytic = net.gradients().dup();
        GradientCheck.Mismatch worst = GradientCheck.worst(net.params(), analytic,
                LongStream.range(0, net.numParams()).toArray(), H, FLOOR,
                () -> SoftmaxCrossEntropy.evaluate(net.forward(x, mode), labels).loss());
        assertTrue(worst.relativeError() < TOLERANCE, "parameter " + worst.index() + ": analytic " + worst.analytic()
                + ", central difference " + worst.numeric() + ", relative error " + worst.relativeError());
    }

    @Test
    void everyParameterOfANarrowResNet8MatchesInTrainingMode() {
        Network net = classifier(2, 8, 3);
        check(net, images(new Random(21), 4, 2, 8), new int[] {1, 0, 2, 1}, Mode.TRAIN);
    }

    @Test
    void everyParameterMatchesInEvaluationMode() {
        Network net = classifier(1, 7, 4);
        Random random = new Random(22);
        for (int i = 0; i < 3; i++) {
            net.forward(images(random, 3, 1, 7).mul(2), Mode.TRAIN);
        }
        check(net, images(random, 3, 1, 7), new int[] {2, 1, 0}, Mode.EVAL);
    }
}
