package io.metaloop.learning.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exact Hessian-vector products (forward-mode derivatives of every layer's forward and backward
 * pass, {@link Network#forwardTangent} and {@link Network#backwardTangent}) against a closed form
 * and against central differences of double-precision gradients, on a network holding every kind
 * of layer, in batch and running statistics.
 */
class ExactHessianVectorTest {
    /** Every layer kind: biased and plain convs, batch norms, ReLU and leaky ReLU, both max pools, a residual block, average pools, a head with a learned temperature. */
    private static Network everyLayer(long seed) {
        Layer main = new Sequential(List.of(new Conv2d(3, 3, 3, 1, 1), new BatchNorm2d(3), new LeakyRelu(0.1),
                new Conv2d(3, 3, 3, 1, 1), new BatchNorm2d(3)));
        Layer shortcut = new Sequential(List.of(new Conv2d(3, 3, 1, 1, 0), new BatchNorm2d(3)));
        Sequential layers = new Sequential(List.of(
                new Conv2d(1, 3, 3, 1, 1, Conv2d.Init.TORCH_DEFAULT), new BatchNorm2d(3), new Relu(), new MaxPool2d(2, 2),
                new Residual(main, shortcut), new Relu(), new MaxPool2d(3, 2, 1), new AvgPool2d(2, 2),
                new Conv2d(3, 4, 1, 1, 0, Conv2d.Init.XAVIER_UNIFORM), new GlobalAvgPool(),
                new Linear(4, 3), new Scale(1.7, true)));
        return new Network(layers, new long[] {1, 12, 12}, DataType.DOUBLE, seed);
    }

    private static INDArray exact(Network net, INDArray x, int[] labels, Mode mode, INDArray v) {
        INDArray logits = net.forward(x, mode);
        net.backward(SoftmaxCrossEntropy.evaluate(logits, labels).gradLogits());
        INDArray z = net.forwardTangent(v);
        return net.backwardTangent(SoftmaxCrossEntropy.gradientTangent(logits, z)).dup();
    }

    @Test
    void matchesCentralDifferencesOfGradientsThroughEveryLayer() {
        for (Mode mode : List.of(Mode.EPISODE, Mode.EVAL)) {
            Network net = everyLayer(7);
            net.buffers().assign(Nd4j.rand(DataType.DOUBLE, net.buffers().length()).addi(0.5));
            Random random = new Random(3);
            INDArray x = GradientCheck.images(random, 6, 1, 12, -1, 1);
            int[] labels = {0, 1, 2, 0, 1, 2};
            for (int trial = 0; trial < 3; trial++) {
                INDArray v = Nd4j.randn(DataType.DOUBLE, net.numParams());
                INDArray hv = exact(net, x, labels, mode, v);
                // double precision and a small step: the difference's error is ~1e-9 relative (HessianVectorProductTest)
                INDArray fd = new HessianVectorProduct(net, n -> n.backward(SoftmaxCrossEntropy.evaluate(n.forward(x, mode),
                        labels).gradLogits())).apply(v, 1e-5);
                double error = hv.sub(fd).norm2Number().doubleValue() / fd.norm2Number().doubleValue();
                assertTrue(error < 1e-6, mode + ", direction " + trial + ": relative error " + error);
            }
        }
    }

    @Test
    void floatKernelsGiveTheDoublePathsProduct() {
        // float arrays take the Java plane kernels (batch norm, max pool), double ones ND4J's ops
        for (Mode mode : List.of(Mode.EPISODE, Mode.EVAL)) {
            Network doubles = everyLayer(9);
            doubles.buffers().assign(Nd4j.rand(DataType.DOUBLE, doubles.buffers().length()).addi(0.5));
            Network floats = new Network(everyLayer(9).root(),
                    new long[] {1, 12, 12}, DataType.FLOAT, 9);
            floats.params().assign(doubles.params().castTo(DataType.FLOAT));
            floats.buffers().assign(doubles.buffers().castTo(DataType.FLOAT));
            INDArray x = GradientCheck.images(new Random(5), 6, 1, 12, -1, 1);
            int[] labels = {0, 1, 2, 0, 1, 2};
            INDArray v = Nd4j.randn(DataType.DOUBLE, doubles.numParams());
            INDArray expected = exact(doubles, x, labels, mode, v);
            INDArray actual = exact(floats, x.castTo(DataType.FLOAT), labels, mode, v.castTo(DataType.FLOAT)).castTo(DataType.DOUBLE);
            double error = actual.sub(expected).norm2Number().doubleValue() / expected.norm2Number().doubleValue();
            assertTrue(error < 1e-4, mode + ": float vs double relative error " + error);
        }
    }

    @Test
    void isSymmetric() {
        Network net = everyLayer(8);
        INDArray x = GradientCheck.images(new Random(4), 5, 1, 12, -1, 1);
        int[] labels = {0, 1, 2, 1, 0};
        INDArray u = Nd4j.randn(DataType.DOUBLE, net.numParams());
        INDArray v = Nd4j.randn(DataType.DOUBLE, net.numParams());
        double uHv = u.mul(exact(net, x, labels, Mode.EPISODE, v)).sumNumber().doubleValue();
        double vHu = v.mul(exact(net, x, labels, Mode.EPISODE, u)).sumNumber().doubleValue();
        assertEquals(uHv, vHu, 1e-10 * Math.abs(uHv));
    }

    @Test
    void linearSoftmaxMatchesTheClosedForm() {
        // logits z = xW + b: with p = softmax(z), H·v for v = (V, c) is, per example, the softmax
        // Jacobian J = diag(p) − ppᵀ applied to ż = xV + c, pulled back: (xᵀ J ż, J ż), averaged
        Network net = new Network(new Linear(2, 3), new long[] {2}, DataType.DOUBLE, 1);
        INDArray x = Nd4j.createFromArray(new double[][] {{1, -2}, {0.5, 3}});
        int[] labels = {2, 0};
        INDArray v = Nd4j.createFromArray(0.3, -0.1, 0.2, 0.7, -0.4, 0.05, 0.1, 0.2, -0.3);
        INDArray hv = exact(net, x, labels, Mode.EPISODE, v);
        INDArray w = net.params().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 6)).reshape(2, 3);
        INDArray b = net.params().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(6, 9));
        INDArray vw = v.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 6)).reshape(2, 3);
        INDArray vb = v.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(6, 9));
        double[] expectedW = new double[6];
        double[] expectedB = new double[3];
        for (int n = 0; n < 2; n++) {
            double[] xi = x.getRow(n).toDoubleVector();
            double[] z = x.getRow(n).reshape(1, 2).mmul(w).addRowVector(b).toDoubleVector();
            double[] zd = x.getRow(n).reshape(1, 2).mmul(vw).addRowVector(vb).toDoubleVector();
            double max = Math.max(z[0], Math.max(z[1], z[2]));
            double sum = 0;
            double[] p = new double[3];
            for (int k = 0; k < 3; k++) {
                p[k] = Math.exp(z[k] - max);
                sum += p[k];
            }
            double pz = 0;
            for (int k = 0; k < 3; k++) {
                p[k] /= sum;
                pz += p[k] * zd[k];
            }
            for (int k = 0; k < 3; k++) {
                double jz = (p[k] * zd[k] - p[k] * pz) / 2; // J·ż, averaged over the batch of 2
                expectedB[k] += jz;
                for (int i = 0; i < 2; i++) {
                    expectedW[i * 3 + k] += xi[i] * jz;
                }
            }
        }
        for (int i = 0; i < 6; i++) {
            assertEquals(expectedW[i], hv.getDouble(i), 1e-14, "weight " + i);
        }
        for (int k = 0; k < 3; k++) {
            assertEquals(expectedB[k], hv.getDouble(6 + k), 1e-14, "bias " + k);
        }
    }
}
