package io.metaloop.learning.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Java kernels against the definition, on float arrays (the gradient checks run in double,
 * where layers use the library ops): max pooling is the window maximum, its gradient lands on
 * the maximum's position, and both agree exactly with libnd4j's own ops.
 */
class PlaneKernelsTest {
    @Test
    void maxPoolingMatchesTheLibraryOpExactlyForwardAndBackward() {
        Nd4j.getRandom().setSeed(3);
        for (int[] shape : new int[][] {{3, 4, 9, 9}, {2, 5, 84, 84}, {1, 1, 2, 3}}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, shape[0], shape[1], shape[2], shape[3]);
            assertTrue(PlaneKernels.dense(x));
            INDArray javaOut = Nd4j.create(DataType.FLOAT, shape[0], shape[1], shape[2] / 2, shape[3] / 2);
            byte[] argmax = new byte[(int) javaOut.length()];
            PlaneKernels.maxPool(x, 2, javaOut, argmax);
            INDArray nativeOut = Nd4j.create(DataType.FLOAT, javaOut.shape());
            NativeOps.maxPool2d(x, 2, 2, 0, nativeOut);
            assertArrayEquals(nativeOut.data().asFloat(), javaOut.data().asFloat(), 0f);

            INDArray gradOut = Nd4j.rand(DataType.FLOAT, javaOut.shape());
            INDArray javaGrad = Nd4j.create(DataType.FLOAT, x.shape()).assign(7); // stale values must be overwritten
            PlaneKernels.maxPoolBackward(gradOut, 2, argmax, javaGrad);
            INDArray nativeGrad = Nd4j.create(DataType.FLOAT, x.shape());
            NativeOps.maxPool2dBackward(x, gradOut, 2, 2, 0, nativeGrad);
            assertArrayEquals(nativeGrad.data().asFloat(), javaGrad.data().asFloat(), 0f);
            // and the definition: each window's maximum, read off the input itself
            for (int i = 0; i < javaOut.size(2); i++) {
                for (int j = 0; j < javaOut.size(3); j++) {
                    float max = Math.max(Math.max(x.getFloat(0, 0, 2 * i, 2 * j), x.getFloat(0, 0, 2 * i, 2 * j + 1)),
                            Math.max(x.getFloat(0, 0, 2 * i + 1, 2 * j), x.getFloat(0, 0, 2 * i + 1, 2 * j + 1)));
                    assertTrue(max == javaOut.getFloat(0, 0, i, j));
                }
            }
        }
    }

    @Test
    void batchNormInFloatPlanesAgreesWithTheDoublePathCheckedByFiniteDifferences() {
        // the double network runs the ND4J-op path (which ConvNet4GradientTest checks against central
        // differences); the float network runs the Java kernels; they must agree to float precision
        Network f = new Network(new Sequential(java.util.List.of(new BatchNorm2d(3))), new long[] {3, 7, 9}, DataType.FLOAT, 1);
        Network d = new Network(new Sequential(java.util.List.of(new BatchNorm2d(3))), new long[] {3, 7, 9}, DataType.DOUBLE, 1);
        INDArray affine = Nd4j.create(new double[] {1.5, -0.5, 2.0, 0.1, -0.3, 0.7});
        f.params().assign(affine);
        d.params().assign(affine);
        Nd4j.getRandom().setSeed(5);
        for (int step = 0; step < 3; step++) {
            INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 3, 7, 9).muli(4).subi(1);
            INDArray yf = f.forward(x.castTo(DataType.FLOAT), Mode.TRAIN);
            INDArray yd = d.forward(x, Mode.TRAIN);
            assertArrayEquals(yd.data().asDouble(), yf.castTo(DataType.DOUBLE).data().asDouble(), 1e-5);
            INDArray g = Nd4j.rand(DataType.DOUBLE, 4, 3, 7, 9).subi(0.5);
            INDArray gf = f.root().backward(g.castTo(DataType.FLOAT));
            INDArray gd = d.root().backward(g);
            assertArrayEquals(gd.data().asDouble(), gf.castTo(DataType.DOUBLE).data().asDouble(), 1e-5);
            assertArrayEquals(d.gradients().toDoubleVector(), f.gradients().castTo(DataType.DOUBLE).toDoubleVector(), 1e-4);
            assertArrayEquals(d.buffers().toDoubleVector(), f.buffers().castTo(DataType.DOUBLE).toDoubleVector(), 1e-5,
                    "running mean and (unbiased) variance");
        }
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 7, 9);
        assertArrayEquals(d.forward(x, Mode.EVAL).data().asDouble(),
                f.forward(x.castTo(DataType.FLOAT), Mode.EVAL).castTo(DataType.DOUBLE).data().asDouble(), 1e-5);
    }

    @Test
    void reluGradientPassesWhereTheOutputIsPositiveAndStopsWhereItIsZero() {
        INDArray out = Nd4j.create(new float[] {0f, 1.5f, 0f, 2e-30f, 7f}, new long[] {1, 1, 1, 5});
        INDArray g = Nd4j.create(new float[] {-1f, -2f, 3f, 4f, -5f}, new long[] {1, 1, 1, 5});
        INDArray gi = Nd4j.create(DataType.FLOAT, 1, 1, 1, 5);
        PlaneKernels.reluBackward(out, g, gi);
        assertArrayEquals(new float[] {0f, -2f, 0f, 4f, -5f}, gi.data().asFloat(), 0f);
        INDArray big = Nd4j.rand(DataType.FLOAT, 3, 4, 100, 100).subi(0.5f);
        INDArray relu = org.nd4j.linalg.ops.transforms.Transforms.relu(big, true);
        INDArray grad = Nd4j.rand(DataType.FLOAT, 3, 4, 100, 100);
        INDArray result = Nd4j.create(DataType.FLOAT, 3, 4, 100, 100);
        PlaneKernels.reluBackward(relu, grad, result);
        assertArrayEquals(grad.mul(relu.gt(0).castTo(DataType.FLOAT)).data().asFloat(), result.data().asFloat(), 0f);
    }

    @Test
    void averagePoolingMatchesTheLibraryOpForwardAndBackward() {
        Nd4j.getRandom().setSeed(4);
        for (int[] shape : new int[][] {{3, 8, 32, 32}, {2, 3, 7, 9}}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, shape[0], shape[1], shape[2], shape[3]);
            INDArray javaOut = Nd4j.create(DataType.FLOAT, shape[0], shape[1], shape[2] / 2, shape[3] / 2);
            PlaneKernels.avgPool2x2(x, javaOut);
            INDArray nativeOut = Nd4j.create(DataType.FLOAT, javaOut.shape());
            NativeOps.avgPool2d(x, 2, 2, nativeOut);
            assertArrayEquals(nativeOut.data().asFloat(), javaOut.data().asFloat(), 1e-6f);
            INDArray gradOut = Nd4j.rand(DataType.FLOAT, javaOut.shape());
            INDArray javaGrad = Nd4j.create(DataType.FLOAT, x.shape()).assign(7);
            PlaneKernels.avgPool2x2Backward(gradOut, javaGrad);
            INDArray nativeGrad = Nd4j.create(DataType.FLOAT, x.shape());
            NativeOps.avgPool2dBackward(x, gradOut, 2, 2, nativeGrad);
            assertArrayEquals(nativeGrad.data().asFloat(), javaGrad.data().asFloat(), 1e-7f);
        }
    }

    @Test
    void viewsAndDoublesAreNotDense() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 4, 4);
        assertTrue(!PlaneKernels.dense(x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1))));
        assertTrue(!PlaneKernels.dense(x.castTo(DataType.DOUBLE)));
        assertTrue(!PlaneKernels.dense(x.permute(0, 1, 3, 2)));
    }
}
