package io.metaloop.learning.nn;

import static io.metaloop.learning.nn.GradientCheck.assertGradients;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metaloop.learning.backbone.Conv4;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The hand-written backward pass of Conv4 + linear head against central finite differences in
 * double precision, with the bounds argued in {@link GradientCheck}.
 */
class Conv4GradientTest {
    private static Network classifier(int[] widths, int channels, int size, int classes, long seed) {
        return GradientCheck.classifier(Conv4.create(channels, widths), channels, size, classes, seed);
    }

    private static INDArray images(Random random, int batch, int channels, int size) {
        return GradientCheck.images(random, batch, channels, size, 0, 1);
    }

    @Test
    void everyParameterOfANarrowConv4MatchesCentralDifferencesInTrainingMode() {
        Network net = classifier(new int[] {2, 3, 4, 5}, 2, 8, 3, 7);
        Random random = new Random(11);
        INDArray x = images(random, 4, 2, 8);
        int[] labels = {0, 2, 1, 2};
        assertGradients(net, x, labels, Mode.TRAIN);
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
        assertGradients(net, x, new int[] {1, 0, 2}, Mode.EVAL);
    }

    @Test
    void fullWidthConv4On28PixelImagesMatchesOnSampledParametersOfEveryTensor() {
        Network net = classifier(Conv4.WIDTHS, 1, 28, 10, 1);
        Random random = new Random(5);
        INDArray x = images(random, 4, 1, 28);
        int[] labels = {3, 7, 0, 9};
        // 25 parameters from each tensor: conv weights, batch-norm scales and shifts, head weights and bias
        long[] indices = sampleEveryTensor(net, 25, random);
        assertGradients(net, x, labels, Mode.TRAIN, indices);
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
