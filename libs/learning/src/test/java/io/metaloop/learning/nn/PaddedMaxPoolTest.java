package io.metaloop.learning.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ImageNet ResNets' 3×3/2 max pool with padding 1: sizes as PyTorch's ⌊(n + 2p − k)/s⌋ + 1,
 * padding that is never a maximum, and a backward pass against central differences.
 */
class PaddedMaxPoolTest {
    private static Network pool(long... inputShape) {
        return new Network(new Sequential(List.of(new MaxPool2d(3, 2, 1))), inputShape, DataType.DOUBLE, 1);
    }

    @Test
    void aPaddedPoolOfNegativeValuesTakesEachWindowsInBoundsMaximumAndNeverTheZeroPadding() {
        // a 4×4 map gives ⌊(4 + 2 − 3)/2⌋ + 1 = 2 outputs per side; the windows start at rows and
        // columns −1 and 1, so the in-bounds cells are rows/columns {0,1} and {1,2,3}:
        //   (0,0): rows 0–1, cols 0–1 → max(−5, −3, −7, −9)                      = −3 at (0,1)
        //   (0,1): rows 0–1, cols 1–3 → max(−3, −8, −2, −9, −1, −6)              = −1 at (1,2)
        //   (1,0): rows 1–3, cols 0–1 → max(−7, −9, −4, −11, −13, −14)           = −4 at (2,0)
        //   (1,1): rows 1–3, cols 1–3 → max(−9, −1, −6, −11, −12, −10, −14, −15, −16) = −1 at (1,2)
        // zero padding would make every output 0
        double[] map = {
            -5, -3, -8, -2,
            -7, -9, -1, -6,
            -4, -11, -12, -10,
            -13, -14, -15, -16};
        // the gradient of each output lands on its maximum; (1,2) is the maximum of two windows: 2 + 4
        double[] expectedGradient = {
            0, 1, 0, 0,
            0, 0, 6, 0,
            3, 0, 0, 0,
            0, 0, 0, 0};
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) { // float is the one the ResNets train in
            MaxPool2d pool = new MaxPool2d(3, 2, 1);
            INDArray x = Nd4j.create(map, new long[] {1, 1, 4, 4}, DataType.DOUBLE).castTo(type);
            INDArray y = pool.forward(x, Mode.TRAIN);
            assertArrayEquals(new long[] {1, 1, 2, 2}, y.shape());
            assertArrayEquals(new double[] {-3, -1, -4, -1}, y.castTo(DataType.DOUBLE).data().asDouble(), 0.0, type.toString());
            INDArray gradOut = Nd4j.create(new double[] {1, 2, 3, 4}, new long[] {1, 1, 2, 2}, DataType.DOUBLE).castTo(type);
            assertArrayEquals(expectedGradient, pool.backward(gradOut).castTo(DataType.DOUBLE).data().asDouble(), 0.0,
                    type.toString());
        }
    }

    @Test
    void sizesFollowPyTorchsFloorFormula() {
        // ⌊(n + 2 − 3)/2⌋ + 1: 1 → 1, 2 → 1, 5 → 3, 6 → 3, 112 → 56
        long[][] sizes = {{1, 1}, {2, 1}, {5, 3}, {6, 3}, {112, 56}};
        for (long[] s : sizes) {
            assertArrayEquals(new long[] {2, 3, s[1], s[1]}, new MaxPool2d(3, 2, 1).outputShape(new long[] {2, 3, s[0], s[0]}));
        }
    }

    @Test
    void moreThanHalfAWindowOfPaddingAndMapsSmallerThanTheWindowAreRefused() {
        var padding = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(3, 2, 2));
        assertTrue(padding.getMessage().contains("padding at most half the kernel"), padding.getMessage());
        var small = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(5, 2, 1).outputShape(new long[] {1, 1, 2, 4}));
        assertTrue(small.getMessage().contains("at least 3×3, got 2×4"), small.getMessage());
    }

    @Test
    void theInputGradientMatchesCentralDifferences() {
        // loss = Σ w·pool(x) for fixed random w, so ∂loss/∂x is the backward pass of w; an odd and an
        // even side, two images of three channels, to catch layout mistakes
        Random random = new Random(7);
        INDArray x = uniform(random, 2, 3, 7, 6);
        INDArray w = uniform(random, 2, 3, 4, 3); // ⌊(7 − 1)/2⌋ + 1 = 4 rows, ⌊(6 − 1)/2⌋ + 1 = 3 columns
        Network net = pool(3, 7, 6);
        assertArrayEquals(w.shape(), net.forward(x, Mode.TRAIN).shape());
        INDArray analytic = net.root().backward(w).dup();
        GradientCheck.Mismatch worst = GradientCheck.worst(x, analytic, LongStream.range(0, x.length()).toArray(),
                GradientCheck.H, GradientCheck.FLOOR, () -> net.forward(x, Mode.TRAIN).mul(w).sumNumber().doubleValue());
        assertTrue(worst.relativeError() < GradientCheck.TOLERANCE, "input " + worst.index() + ": analytic " + worst.analytic()
                + ", central difference " + worst.numeric() + ", relative error " + worst.relativeError());
    }

    private static INDArray uniform(Random random, long... shape) {
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, 2 * random.nextDouble() - 1);
        }
        return a;
    }
}
