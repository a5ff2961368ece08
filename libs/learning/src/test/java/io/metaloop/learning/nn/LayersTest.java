package io.metaloop.learning.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Forward passes against direct, loop-by-loop implementations of the same definitions. */
class LayersTest {
    private final Random random = new Random(42);

    private INDArray random(long... shape) {
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, random.nextGaussian());
        }
        return a;
    }

    private static Network single(Layer layer, long... inputShape) {
        return new Network(new Sequential(List.of(layer)), inputShape, DataType.DOUBLE, 1);
    }

    @Test
    void convolutionIsTheSumOverChannelsAndWindowOfWeightTimesZeroPaddedInput() {
        Network net = single(new Conv2d(3, 4, 3, 1, 1), 3, 5, 6);
        INDArray w = net.params().reshape(4, 3, 3, 3); // [out, in, kH, kW]
        INDArray x = random(2, 3, 5, 6);
        INDArray y = net.forward(x, Mode.TRAIN);
        assertArrayEquals(new long[] {2, 4, 5, 6}, y.shape());
        for (int b = 0; b < 2; b++) {
            for (int o = 0; o < 4; o++) {
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 6; j++) {
                        double sum = 0;
                        for (int c = 0; c < 3; c++) {
                            for (int di = 0; di < 3; di++) {
                                for (int dj = 0; dj < 3; dj++) {
                                    int r = i + di - 1;
                                    int s = j + dj - 1;
                                    if (r >= 0 && r < 5 && s >= 0 && s < 6) {
                                        sum += w.getDouble(o, c, di, dj) * x.getDouble(b, c, r, s);
                                    }
                                }
                            }
                        }
                        assertEquals(sum, y.getDouble(b, o, i, j), 1e-10);
                    }
                }
            }
        }
    }

    /** Sample mean and variance of a parameter tensor, as {mean, variance, max |value|}. */
    private static double[] moments(INDArray values) {
        double[] v = values.toDoubleVector();
        double mean = java.util.Arrays.stream(v).average().orElseThrow();
        double variance = java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
        return new double[] {mean, variance, java.util.Arrays.stream(v).map(Math::abs).max().orElseThrow()};
    }

    @Test
    void eachConvolutionInitialisationHasItsClosedFormDistribution() {
        // 64 → 32 channels, 3×3: 18,432 weights, so sample variances are within ~2 % (uniform: sd of the
        // sample variance is var·√(0.8/n) ≈ 0.7 % of var; normal: var·√(2/n) ≈ 1 %); 5 % bounds cannot flake
        int in = 64;
        int out = 32;
        int area = 9;
        Network xavier = single(new Conv2d(in, out, 3, 1, 1, Conv2d.Init.XAVIER_UNIFORM), in, 4, 4);
        double bound = Math.sqrt(6.0 / ((in + out) * area));
        double[] w = moments(xavier.params().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, out * in * area)));
        assertEquals(bound * bound / 3, w[1], 0.05 * bound * bound / 3, "Xavier-uniform variance bound²/3");
        assertTrue(w[2] <= bound && w[2] > 0.99 * bound, "support ±" + bound + ", max |w| " + w[2]);
        INDArray xavierBias = xavier.params().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(out * in * area, out * in * area + out));
        assertEquals(0, xavierBias.norm1Number().doubleValue(), "Xavier convolutions start with zero bias");

        Network torch = single(new Conv2d(in, out, 3, 1, 1, Conv2d.Init.TORCH_DEFAULT), in, 4, 4);
        double torchBound = 1 / Math.sqrt(in * area);
        double[] t = moments(torch.params().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, out * in * area)));
        assertEquals(torchBound * torchBound / 3, t[1], 0.05 * torchBound * torchBound / 3, "PyTorch default U(±1/√fan_in)");

        Network he = single(new Conv2d(in, out, 3, 1, 1), in, 4, 4);
        double[] h = moments(he.params());
        assertEquals(out * in * area, he.numParams(), "no bias");
        assertEquals(2.0 / (area * out), h[1], 0.05 * 2.0 / (area * out), "He fan-out variance 2/(k²·out)");
        assertEquals(0, h[0], 4 * Math.sqrt(2.0 / (area * out) / (out * in * area)), "zero mean within 4 standard errors");
    }

    @Test
    void biasedConvolutionAddsItsBiasToEveryPositionOfItsChannel() {
        Network withBias = single(new Conv2d(2, 3, 3, 1, 1, Conv2d.Init.TORCH_DEFAULT), 2, 4, 4);
        Network without = single(new Conv2d(2, 3, 3, 1, 1), 2, 4, 4);
        without.params().assign(withBias.params().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 54)));
        INDArray bias = withBias.params().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(54, 57));
        INDArray x = random(2, 2, 4, 4);
        INDArray difference = withBias.forward(x, Mode.TRAIN).sub(without.forward(x, Mode.TRAIN));
        for (int o = 0; o < 3; o++) {
            double b = bias.getDouble(o);
            for (double d : difference.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(o)).dup().data().asDouble()) {
                assertEquals(b, d, 1e-12);
            }
        }
        // and its bias gradient is the sum of the output gradient over batch and positions
        INDArray gradOut = random(2, 3, 4, 4);
        withBias.backward(gradOut);
        INDArray gradBias = withBias.gradients().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(54, 57));
        assertArrayEquals(gradOut.sum(0, 2, 3).toDoubleVector(), gradBias.toDoubleVector(), 1e-10);
    }

    @Test
    void maxPoolingTakesEachWindowsMaximumAndRoutesTheGradientToIt() {
        Network net = single(new MaxPool2d(2, 2), 1, 5, 5);
        INDArray x = random(1, 1, 5, 5);
        INDArray y = net.forward(x, Mode.TRAIN);
        assertArrayEquals(new long[] {1, 1, 2, 2}, y.shape(), "5 → 2: the odd last row and column are dropped");
        INDArray gradOut = Nd4j.create(new double[] {1, 2, 3, 4}, new long[] {1, 1, 2, 2}, DataType.DOUBLE);
        INDArray gradIn = net.root().backward(gradOut);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                double max = Double.NEGATIVE_INFINITY;
                int at = -1;
                for (int k = 0; k < 4; k++) {
                    double v = x.getDouble(0, 0, 2 * i + k / 2, 2 * j + k % 2);
                    if (v > max) {
                        max = v;
                        at = k;
                    }
                }
                assertEquals(max, y.getDouble(0, 0, i, j), 0.0);
                for (int k = 0; k < 4; k++) {
                    assertEquals(k == at ? gradOut.getDouble(0, 0, i, j) : 0.0,
                            gradIn.getDouble(0, 0, 2 * i + k / 2, 2 * j + k % 2), 0.0);
                }
            }
        }
        assertEquals(0.0, gradIn.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(4), org.nd4j.linalg.indexing.NDArrayIndex.all()).sumNumber().doubleValue(),
                0.0, "the dropped row gets no gradient");
    }

    @Test
    void leakyReluScalesNegativeInputsAndItsGradientBySlope() {
        Network net = single(new LeakyRelu(0.1), 1, 1, 4);
        INDArray x = Nd4j.create(new double[] {-2, -0.5, 0.25, 3}, new long[] {1, 1, 1, 4}, DataType.DOUBLE);
        assertArrayEquals(new double[] {-0.2, -0.05, 0.25, 3}, net.forward(x.dup(), Mode.TRAIN).data().asDouble(), 1e-15);
        INDArray g = Nd4j.create(new double[] {1, 2, 3, 4}, new long[] {1, 1, 1, 4}, DataType.DOUBLE);
        assertArrayEquals(new double[] {0.1, 0.2, 3, 4}, net.root().backward(g).data().asDouble(), 1e-15);
    }

    @Test
    void aResidualAddsItsBranchesAndSendsTheGradientDownBoth() {
        // main: y = 2x via a one-channel 1×1 conv with weight 2; shortcut: identity; so out = 3x, d/dx = 3
        Network net = single(new Residual(new Conv2d(1, 1, 1, 1, 0), Residual.IDENTITY), 1, 2, 2);
        net.params().assign(2);
        INDArray x = Nd4j.create(new double[] {1, -2, 3, 0.5}, new long[] {1, 1, 2, 2}, DataType.DOUBLE);
        assertArrayEquals(new double[] {3, -6, 9, 1.5}, net.forward(x, Mode.TRAIN).data().asDouble(), 1e-12);
        INDArray g = Nd4j.create(new double[] {1, 1, 1, 1}, new long[] {1, 1, 2, 2}, DataType.DOUBLE);
        assertArrayEquals(new double[] {3, 3, 3, 3}, net.root().backward(g).data().asDouble(), 1e-12);
        assertEquals(1 - 2 + 3 + 0.5, net.gradients().getDouble(0), 1e-12, "weight gradient Σ g·x");
    }

    @Test
    void averagePoolingFloorsOddSizesAndAveragesEachWindow() {
        Network net = single(new AvgPool2d(2, 2), 2, 7, 7);
        INDArray x = random(1, 2, 7, 7);
        INDArray y = net.forward(x, Mode.TRAIN);
        assertArrayEquals(new long[] {1, 2, 3, 3}, y.shape());
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double mean = (x.getDouble(0, c, 2 * i, 2 * j) + x.getDouble(0, c, 2 * i + 1, 2 * j)
                            + x.getDouble(0, c, 2 * i, 2 * j + 1) + x.getDouble(0, c, 2 * i + 1, 2 * j + 1)) / 4;
                    assertEquals(mean, y.getDouble(0, c, i, j), 1e-12);
                }
            }
        }
    }

    @Test
    void batchNormInTrainingNormalisesEachChannelAndFoldsStatisticsIntoRunningValues() {
        Network net = single(new BatchNorm2d(3), 3, 4, 4);
        INDArray x = random(5, 3, 4, 4).muli(3).addi(2);
        INDArray y = net.forward(x, Mode.TRAIN);
        int n = 5 * 4 * 4;
        for (int c = 0; c < 3; c++) {
            INDArray channel = y.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(c)).dup();
            assertEquals(0, channel.meanNumber().doubleValue(), 1e-10);
            // biased variance of the output is var/(var+eps), i.e. 1 up to eps
            INDArray input = x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(c)).dup();
            double mean = input.meanNumber().doubleValue();
            double var = input.sub(mean).muli(input.sub(mean)).meanNumber().doubleValue();
            assertEquals(var / (var + 1e-5), channel.mul(channel).meanNumber().doubleValue(), 1e-9);
            // running mean 0.9·0 + 0.1·mean; running variance 0.9·1 + 0.1·unbiased variance
            assertEquals(0.1 * mean, net.buffers().getDouble(c), 1e-12);
            assertEquals(0.9 + 0.1 * var * n / (n - 1), net.buffers().getDouble(3 + c), 1e-12);
        }
    }

    @Test
    void batchNormInEvaluationUsesRunningStatistics() {
        Network net = single(new BatchNorm2d(1), 1, 2, 2);
        net.buffers().putScalar(0, 3.0);  // running mean
        net.buffers().putScalar(1, 4.0);  // running variance
        net.params().putScalar(0, 2.0);   // gamma
        net.params().putScalar(1, -1.0);  // beta
        INDArray y = net.forward(Nd4j.create(new double[] {5, 3, 1, 7}, new long[] {1, 1, 2, 2}), Mode.EVAL);
        double s = Math.sqrt(4.0 + 1e-5);
        assertArrayEquals(new double[] {2 * 2 / s - 1, -1, 2 * -2 / s - 1, 2 * 4 / s - 1}, y.reshape(4).toDoubleVector(), 1e-12);
    }

    @Test
    void parameterViewsWriteThroughToTheFlatVector() {
        Network net = single(new Linear(3, 2), 3);
        net.params().assign(0);
        net.params().putScalar(6, 1.5); // bias of output 0 comes after the 3×2 weights
        INDArray y = net.forward(random(4, 3), Mode.TRAIN);
        for (int i = 0; i < 4; i++) {
            assertEquals(1.5, y.getDouble(i, 0), 0);
            assertEquals(0.0, y.getDouble(i, 1), 0);
        }
    }
}
