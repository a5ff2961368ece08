package io.metaloop.learning.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.learning.backbone.Backbone;
import io.metaloop.learning.backbone.Conv4;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The hand-written backward pass of Conv4 + linear head against central finite differences in
 * double precision. With h = 1e-6 the truncation error of the central difference is O(h²) ≈ 1e-12
 * and its rounding error ≈ ε·|loss| / h ≈ 1e-10 absolute, so analytic and numeric gradients of a
 * correct backward pass agree to ~1e-6 relative, or ~1e-10 absolute for tiny gradients; a wrong
 * term shows up as an O(1) relative error.
 */
class Conv4GradientTest {
    private static final double H = 1e-6;
    private static final double TOLERANCE = 1e-5;
    // Relative error is taken against max(|analytic|, |numeric|, FLOOR): gradients far below FLOOR are
    // held to an absolute error of TOLERANCE·FLOOR = 1e-9, still 10× the difference's rounding error.
    private static final double FLOOR = 1e-4;

    private static Network classifier(int[] widths, int channels, int size, int classes, long seed) {
        Backbone backbone = Conv4.create(channels, widths);
        Sequential layers = new Sequential(List.of(backbone.layer(), new Linear(backbone.featureSize(), classes)));
        return new Network(layers, new long[] {channels, size, size}, DataType.DOUBLE, seed);
    }

    private static double loss(Network net, INDArray x, int[] labels, Mode mode) {
        return SoftmaxCrossEntropy.evaluate(net.forward(x, mode), labels).loss();
    }

    private static void check(Network net, INDArray x, int[] labels, Mode mode, long[] indices) {
        SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.evaluate(net.forward(x, mode), labels);
        net.backward(r.gradLogits());
        INDArray analytic = net.gradients().dup();
        GradientCheck.Mismatch worst = GradientCheck.worst(net.params(), analytic, indices, H, FLOOR,
                () -> loss(net, x, labels, mode));
        assertTrue(worst.relativeError() < TOLERANCE, "parameter " + worst.index() + ": analytic " + worst.analytic()
                + ", central difference " + worst.numeric() + ", relative error " + worst.relativeError());
    }

    private static INDArray images(Random random, int batch, int channels, int size) {
        double[] values = new double[batch * channels * size * size];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble();
        }
        return Nd4j.create(values, new long[] {batch, channels, size, size}, DataType.DOUBLE);
    }

    @Test
    void everyParameterOfANarrowConv4MatchesCentralDifferencesInTrainingMode() {
        Network net = classifier(new int[] {2, 3, 4, 5}, 2, 8, 3, 7);
        Random random = new Random(11);
        INDArray x = images(random, 4, 2, 8);
        int[] labels = {0, 2, 1, 2};
        check(net, x, labels, Mode.TRAIN, LongStream.range(0, net.numParams()).toArray());
    }

    @Test
    void everyParameterMatchesInEvaluationModeWithRunningStatistics() {
        Network net = classifier(new int[] {2, 3, 4, 5}, 1, 8, 3, 5);
        Random random = new Random(3);
        INDArray x = images(random, 3, 1, 8);
        // give the running statistics values other than (0, 1)
        for (int i = 0; i < 3; i++) {
            net.forward(images(random, 3, 1, 8).mul(2).add(0.5), Mode.TRAIN);
        }
        check(net, x, new int[] {1, 0, 2}, Mode.EVAL, LongStream.range(0, net.numParams()).toArray());
    }

    @Test
    void fullWidthConv4On28PixelImagesMatchesOnSampledParametersOfEveryTensor() {
        Network net = classifier(Conv4.WIDTHS, 1, 28, 10, 1);
        Random random = new Random(5);
        INDArray x = images(random, 4, 1, 28);
        int[] labels = {3, 7, 0, 9};
        // 25 parameters from each tensor: conv weights, batch-norm scales and shifts, head weights and bias
        long[] indices = sampleEveryTensor(net, 25, random);
        check(net, x, labels, Mode.TRAIN, indices);
    }

    private static long[] sampleEveryTensor(Network net, int perTensor, Random random) {
        List<long[]> shapes = net.root().parameterShapes();
        LongStream.Builder out = LongStream.builder();
        long offset = 0;
        for (long[] shape : shapes) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            for (int k = 0; k < Math.min(perTensor, n); k++) {
                out.add(offset + (long) (random.nextDouble() * n));
            }
            offset += n;
        }
        assertEquals(net.numParams(), offset);
        return out.build().toArray();
    }
}
