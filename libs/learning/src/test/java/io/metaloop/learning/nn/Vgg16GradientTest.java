package io.metaloop.learning.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.learning.backbone.Backbone;
import io.metaloop.learning.backbone.Vgg16;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * VGG-16's backward pass (thirteen biased convolutions with BatchNorm, five max pools) against central
 * finite differences in double precision, with the bounds argued in {@link Conv4GradientTest}.
 */
class Vgg16GradientTest {
    private static final double H = 1e-6;
    private static final double TOLERANCE = 1e-5;
    private static final double FLOOR = 1e-4;
    private static final int[][] NARROW = {{2, 2}, {2, 2}, {2, 2, 2}, {2, 2, 2}, {2, 2, 2}};

    private static Network classifier(int channels, int size, long seed) {
        Backbone backbone = Vgg16.create("vgg16", channels, size, size, NARROW);
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
    void everyParameterOfANarrowVgg16MatchesInTrainingMode() {
        Network net = classifier(2, 32, 3);
        check(net, images(new Random(21), 3, 2, 32), new int[] {1, 0, 2}, Mode.TRAIN);
    }

    @Test
    void everyParameterMatchesInEvaluationMode() {
        Network net = classifier(1, 32, 4);
        Random random = new Random(22);
        for (int i = 0; i < 3; i++) {
            net.forward(images(random, 3, 1, 32).mul(2), Mode.TRAIN);
        }
        check(net, images(random, 3, 1, 32), new int[] {2, 1, 0}, Mode.EVAL);
    }
}
