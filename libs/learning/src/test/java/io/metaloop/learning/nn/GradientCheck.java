package io.metaloop.learning.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.learning.backbone.Backbone;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Central finite differences, (f(θ+h) − f(θ−h)) / 2h, for checking analytic gradients.
 *
 * <p>In double precision with h = 1e-6 the truncation error of the central difference is
 * O(h²) ≈ 1e-12 and its rounding error ≈ ε·|loss| / h ≈ 1e-10 absolute, so analytic and numeric
 * gradients of a correct backward pass agree to ~1e-6 relative, or ~1e-10 absolute for tiny
 * gradients; a wrong term shows up as an O(1) relative error. Relative error is taken against
 * max(|analytic|, |numeric|, FLOOR): gradients far below FLOOR are held to an absolute error of
 * TOLERANCE·FLOOR = 1e-9, still 10× the difference's rounding error.
 */
final class GradientCheck {
    static final double H = 1e-6;
    static final double TOLERANCE = 1e-5;
    static final double FLOOR = 1e-4;

    private GradientCheck() {
    }

    record Mismatch(long index, double analytic, double numeric, double relativeError) {
    }

    /**
     * Compares {@code analytic[i]} with the central difference of {@code loss} in {@code params[i]}
     * for each index; returns the worst relative error |a − n| / max(|a|, |n|, floor).
     */
    static Mismatch worst(INDArray params, INDArray analytic, long[] indices, double h, double floor,
                          Supplier<Double> loss) {
        Mismatch worst = new Mismatch(-1, 0, 0, 0);
        for (long i : indices) {
            double original = params.getDouble(i);
            params.putScalar(i, original + h);
            double plus = loss.get();
            params.putScalar(i, original - h);
            double minus = loss.get();
            params.putScalar(i, original);
            double numeric = (plus - minus) / (2 * h);
            double a = analytic.getDouble(i);
            double rel = Math.abs(a - numeric) / Math.max(Math.max(Math.abs(a), Math.abs(numeric)), floor);
            if (rel > worst.relativeError()) {
                worst = new Mismatch(i, a, numeric, rel);
            }
        }
        return worst;
    }

    /**
     * Every {@code step}-th element of each parameter tensor of {@code net}, from its first, and its
     * last: a sample that reaches every tensor, for networks too deep to difference in full within
     * a few seconds. A step coprime to 9 and 49 walks through the positions of 3×3 and 7×7 kernels.
     */
    static long[] sampleOfEachTensor(Network net, int step) {
        LongStream.Builder indices = LongStream.builder();
        long offset = 0;
        for (long[] shape : net.root().parameterShapes()) {
            long size = java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            for (long i = 0; i < size; i += step) {
                indices.add(offset + i);
            }
            if ((size - 1) % step != 0) {
                indices.add(offset + size - 1);
            }
            offset += size;
        }
        return indices.build().toArray();
    }

    /** A backbone with a linear head, in double precision, for images of {@code channels × size × size}. */
    static Network classifier(Backbone backbone, int channels, int size, int classes, long seed) {
        Sequential layers = new Sequential(List.of(backbone.layer(), new Linear(backbone.featureSize(), classes)));
        return new Network(layers, new long[] {channels, size, size}, DataType.DOUBLE, seed);
    }

    /** Images with pixels uniform in [low, high). */
    static INDArray images(Random random, int batch, int channels, int size, double low, double high) {
        double[] values = new double[batch * channels * size * size];
        for (int i = 0; i < values.length; i++) {
            values[i] = low + (high - low) * random.nextDouble();
        }
        return Nd4j.create(values, new long[] {batch, channels, size, size}, DataType.DOUBLE);
    }

    /** Every parameter's cross-entropy gradient matches its central difference. */
    static void assertGradients(Network net, INDArray x, int[] labels, Mode mode) {
        assertGradients(net, x, labels, mode, LongStream.range(0, net.numParams()).toArray());
    }

    /** The cross-entropy gradient of the given parameters matches their central differences. */
    static void assertGradients(Network net, INDArray x, int[] labels, Mode mode, long[] indices) {
        SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.evaluate(net.forward(x, mode), labels);
        net.backward(r.gradLogits());
        INDArray analytic = net.gradients().dup();
        Mismatch worst = worst(net.params(), analytic, indices, H, FLOOR,
                () -> SoftmaxCrossEntropy.evaluate(net.forward(x, mode), labels).loss());
        assertTrue(worst.relativeError() < TOLERANCE, "parameter " + worst.index() + ": analytic " + worst.analytic()
                + ", central difference " + worst.numeric() + ", relative error " + worst.relativeError());
    }
}
