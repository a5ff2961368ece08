package io.metaloop.learning.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.learning.backbone.CifarResNet;
import io.metaloop.learning.backbone.Conv4;
import io.metaloop.learning.backbone.ResNet12;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A tap reads a backbone's first post-ReLU map and injects a gradient there: checked against
 * central differences of a loss that reads both the output and the map, in double precision.
 */
class LayerTapTest {
    private static Network encoder(Layer backbone, int channels, int size) {
        return new Network(Sequential.builder().add("encoder", backbone).build(), new long[] {channels, size, size},
                DataType.DOUBLE, 3);
    }

    /**
     * L = Σ y·A + Σ M·W: the gradient through both the output and the tapped map, in every seventh
     * element of each parameter tensor (and its last).
     */
    @Test
    void injectedGradientAtTheFirstReluMatchesCentralDifferences() {
        Network net = encoder(Conv4.create(2, new int[] {2, 3, 4, 5}).layer(), 2, 8);
        LayerTap tap = LayerTap.firstRelu(net);
        assertArrayEquals(new int[] {0, 0, 2}, tap.path(), "encoder → conv1 block → its ReLU, before the pool");
        Random random = new Random(7);
        Nd4j.getRandom().setSeed(7);
        INDArray x = GradientCheck.images(random, 3, 2, 8, 0, 1);
        INDArray a = Nd4j.rand(DataType.DOUBLE, 3, 5).sub(0.5);
        INDArray w = Nd4j.rand(DataType.DOUBLE, 3, 2, 8, 8).sub(0.5);

        INDArray y = tap.forward(x, Mode.TRAIN);
        assertArrayEquals(new long[] {3, 2, 8, 8}, tap.tapped().shape());
        tap.backward(a, w);
        INDArray analytic = net.gradients().dup();
        GradientCheck.Mismatch worst = GradientCheck.worst(net.params(), analytic,
                GradientCheck.sampleOfEachTensor(net, 7), GradientCheck.H, GradientCheck.FLOOR, () -> {
                    INDArray out = tap.forward(x, Mode.TRAIN);
                    return out.mul(a).sumNumber().doubleValue() + tap.tapped().mul(w).sumNumber().doubleValue();
                });
        assertTrue(worst.relativeError() < GradientCheck.TOLERANCE, worst.toString());
        assertEquals(3, y.size(0));
    }

    @Test
    void withoutAnInjectedGradientItIsTheNetworksOwnForwardAndBackward() {
        Network net = encoder(CifarResNet.create("resnet8", 1, 1, new int[] {2, 3, 4}).layer(), 1, 8);
        LayerTap tap = LayerTap.firstRelu(net);
        assertArrayEquals(new int[] {0, 2}, tap.path(), "encoder → the stem's ReLU");
        INDArray x = GradientCheck.images(new Random(1), 2, 1, 8, 0, 1);
        INDArray g = Nd4j.rand(DataType.DOUBLE, 2, 4);
        INDArray expectedOut = net.forward(x, Mode.TRAIN).dup();
        net.backward(g);
        INDArray expectedGrad = net.gradients().dup();
        assertEquals(expectedOut, tap.forward(x, Mode.TRAIN));
        tap.backward(g, null);
        assertEquals(expectedGrad, net.gradients());
    }

    @Test
    void aResidualBlockBeforeAnyReluIsRefused() {
        Network net = encoder(ResNet12.create("resnet12", 1, new int[] {2, 3, 4, 5}).layer(), 1, 16);
        assertThrows(IllegalArgumentException.class, () -> LayerTap.firstRelu(net));
        assertThrows(IllegalArgumentException.class, () -> new LayerTap(net, new int[] {0, 99}));
        assertThrows(IllegalStateException.class, () -> new LayerTap(net, new int[] {0}).tapped());
    }
}
