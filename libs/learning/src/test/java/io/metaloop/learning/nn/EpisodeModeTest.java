package io.metaloop.learning.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.learning.backbone.Conv4;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link Mode#EPISODE}: batch statistics as in TRAIN, running statistics untouched as in EVAL, and
 * TRAIN's gradient. Checked on both batch-norm paths: the ND4J ops (double, or float that is not
 * dense) and the Java plane kernels (dense float).
 */
class EpisodeModeTest {
    private static final double EPS = 1e-5;

    private static Network batchNorm(int channels, int size, DataType type) {
        return new Network(new Sequential(List.of(new BatchNorm2d(channels))), new long[] {channels, size, size}, type, 1);
    }

    /** A narrow Conv4 with a linear head whose running statistics have been moved away from (0, 1). */
    private static Network warmedConv4(DataType type, Random random) {
        Network net = new Network(new Sequential(List.of(Conv4.create(1, new int[] {2, 2, 2, 2}).layer(), new Linear(2, 3))),
                new long[] {1, 8, 8}, type, 3);
        for (int i = 0; i < 2; i++) {
            net.forward(GradientCheck.images(random, 3, 1, 8, -1, 3), Mode.TRAIN);
        }
        return net;
    }

    @Test
    void episodeNormalisesWithTheBatchStatisticsAndLeavesTheRunningStatisticsAloneOnBothPaths() {
        Random random = new Random(4);
        INDArray x = GradientCheck.images(random, 5, 3, 4, -2, 6);
        double[] gamma = {1.5, -0.5, 2.0};
        double[] beta = {0.1, -0.3, 0.7};
        // double: ND4J ops; dense float: plane kernels; float in Fortran order: ND4J ops in float
        record Case(String name, DataType type, INDArray input, double tolerance) {
        }
        List<Case> cases = List.of(
                new Case("double", DataType.DOUBLE, x, 1e-9),
                new Case("dense float", DataType.FLOAT, x.castTo(DataType.FLOAT), 1e-4),
                new Case("float, Fortran order", DataType.FLOAT, x.castTo(DataType.FLOAT).dup('f'), 1e-4));
        assertTrue(PlaneKernels.dense(cases.get(1).input()));
        assertFalse(PlaneKernels.dense(cases.get(2).input()));
        for (Case c : cases) {
            Network net = batchNorm(3, 4, c.type());
            net.params().assign(Nd4j.createFromArray(gamma[0], gamma[1], gamma[2], beta[0], beta[1], beta[2]));
            net.buffers().assign(Nd4j.createFromArray(3.0, -1.0, 0.5, 4.0, 0.25, 2.0)); // running means, then variances
            double[] buffersBefore = net.buffers().toDoubleVector();
            INDArray y = net.forward(c.input(), Mode.EPISODE).castTo(DataType.DOUBLE);
            assertArrayEquals(buffersBefore, net.buffers().toDoubleVector(), 0.0, c.name() + ": running statistics changed");
            for (int ch = 0; ch < 3; ch++) {
                INDArray in = x.get(NDArrayIndex.all(), NDArrayIndex.point(ch)).dup();
                INDArray out = y.get(NDArrayIndex.all(), NDArrayIndex.point(ch)).dup();
                double mean = in.meanNumber().doubleValue();
                double var = in.sub(mean).muli(in.sub(mean)).meanNumber().doubleValue();
                // y = γ(x − mean)/√(var + eps) + β with the batch's mean and biased variance
                for (long i = 0; i < in.length(); i++) {
                    double expected = gamma[ch] * (in.getDouble(i) - mean) / Math.sqrt(var + EPS) + beta[ch];
                    assertEquals(expected, out.getDouble(i), c.tolerance(), c.name() + ", channel " + ch);
                }
            }
        }
    }

    @Test
    void episodeForwardEqualsTrainForwardAndOnlyTrainMovesTheRunningStatistics() {
        for (DataType type : List.of(DataType.DOUBLE, DataType.FLOAT)) {
            Random random = new Random(6);
            Network net = warmedConv4(type, random);
            INDArray x = GradientCheck.images(random, 4, 1, 8, 0, 1).castTo(type);
            double[] buffers = net.buffers().toDoubleVector();

            INDArray episode = net.forward(x, Mode.EPISODE).dup();
            assertArrayEquals(buffers, net.buffers().toDoubleVector(), 0.0, type + ": EPISODE changed the running statistics");
            INDArray eval = net.forward(x, Mode.EVAL).dup();
            INDArray train = net.forward(x, Mode.TRAIN).dup();

            assertArrayEquals(train.data().asDouble(), episode.data().asDouble(), 0.0, type + ": EPISODE output differs from TRAIN's");
            assertFalse(Arrays.equals(buffers, net.buffers().toDoubleVector()), type + ": TRAIN should move the running statistics");
            // the running statistics are far from this batch's, so EVAL must give something else
            assertFalse(Arrays.equals(eval.data().asDouble(), episode.data().asDouble()), type + ": EPISODE output equals EVAL's");
        }
    }

    @Test
    void episodeGradientsOfANarrowConv4MatchCentralDifferences() {
        Random random = new Random(12);
        Network net = warmedConv4(DataType.DOUBLE, random);
        double[] buffers = net.buffers().toDoubleVector();
        INDArray x = GradientCheck.images(random, 4, 1, 8, 0, 1);
        // two parameters of every tensor (conv weights, batch-norm scales and shifts, head): a
        // backward that treated EPISODE like EVAL (statistics as constants) would miss the terms
        // through the batch mean and variance, wrong for every parameter below a batch norm
        long[] indices = sampleEveryTensor(net, 2, random);
        GradientCheck.assertGradients(net, x, new int[] {2, 0, 1, 1}, Mode.EPISODE, indices);
        assertArrayEquals(buffers, net.buffers().toDoubleVector(), 0.0, "running statistics changed during the check");
    }

    @Test
    void episodeBackwardOnFloatPlanesAgreesWithTheDoublePathCheckedByFiniteDifferences() {
        // the double network takes the ND4J path, checked against central differences above; the
        // dense float network takes the plane kernels forward and backward
        Network f = batchNorm(3, 5, DataType.FLOAT);
        Network d = batchNorm(3, 5, DataType.DOUBLE);
        INDArray affine = Nd4j.createFromArray(1.5, -0.5, 2.0, 0.1, -0.3, 0.7);
        f.params().assign(affine);
        d.params().assign(affine);
        f.buffers().assign(Nd4j.createFromArray(3.0, -1.0, 0.5, 4.0, 0.25, 2.0));
        float[] floatBuffers = f.buffers().toFloatVector();
        Random random = new Random(9);
        INDArray x = GradientCheck.images(random, 4, 3, 5, -1, 3);
        INDArray g = GradientCheck.images(random, 4, 3, 5, -0.5, 0.5);
        f.forward(x.castTo(DataType.FLOAT), Mode.EPISODE);
        d.forward(x, Mode.EPISODE);
        INDArray gf = f.root().backward(g.castTo(DataType.FLOAT));
        INDArray gd = d.root().backward(g);
        assertTrue(PlaneKernels.dense(gf));
        assertArrayEquals(gd.data().asDouble(), gf.castTo(DataType.DOUBLE).data().asDouble(), 1e-5);
        assertArrayEquals(d.gradients().toDoubleVector(), f.gradients().castTo(DataType.DOUBLE).toDoubleVector(), 1e-4);
        assertArrayEquals(floatBuffers, f.buffers().toFloatVector(), 0f);
    }

    /** {@code perTensor} random indices from each parameter tensor, so every kind of parameter is checked. */
    static long[] sampleEveryTensor(Network net, int perTensor, Random random) {
        List<long[]> shapes = net.root().parameterShapes();
        List<Long> out = new java.util.ArrayList<>();
        long offset = 0;
        for (long[] shape : shapes) {
            long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            for (int k = 0; k < Math.min(perTensor, n); k++) {
                out.add(offset + (long) (random.nextDouble() * n));
            }
            offset += n;
        }
        assertEquals(net.numParams(), offset);
        return out.stream().mapToLong(Long::longValue).toArray();
    }
}
