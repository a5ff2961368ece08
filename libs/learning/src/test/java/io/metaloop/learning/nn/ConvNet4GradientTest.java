package io.metaloop.learning.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.learning.backbone.Backbone;
import io.metaloop.learning.backbone.ConvNet4;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ConvNet4's backward pass (biased convolutions, max pooling, flattening) against central finite
 * differences in double precision, with the bounds argued in {@link Conv4GradientTest}. Inputs
 * are random doubles, so no pooling window has a tie within h = 1e-6 of its maximum.
 */
class ConvNet4GradientTest {
    private static final double H = 1e-6;
    private static final double TOLERANCE = 1e-5;
    private static final double FLOOR = 1e-4;

    private static Network classifier(int channels, int size, int width, long seed) {
        Backbone backbone = ConvNet4.create("convnet4", channels, size, size, width);
        return new Network(new Sequential(List.of(backbone.layer(), new Linear(backbone.featureSize(), 3))),
                new long[] {channels, size, size}, DataType.DOUBLE, seed);
    }

    private static INDArray images(Random random, int batch, int channels, int size) {
        double[] values = new double[batch * channels * size * size];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble();
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
    void everyParameterOfANarrowConvNet4MatchesInTrainingMode() {
        // 18 px: 18 → 9 → 4 → 2 → 1, an odd size on the way so flooring is exercised
        Network net = classifier(2, 18, 3, 4);
        check(net, images(new Random(8), 4, 2, 18), new int[] {2, 0, 1, 1}, Mode.TRAIN);
    }

    @Test
    void everyParameterMatchesInEvaluationModeWithRunningStatistics() {
        Network net = classifier(1, 32, 2, 6);
        Random random = new Random(9);
        for (int i = 0; i < 3; i++) {
            net.forward(images(random, 3, 1, 32).mul(3).sub(1), Mode.TRAIN);
        }
        check(net, images(random, 3, 1, 32), new int[] {0, 2, 1}, Mode.EVAL);
    }
}
