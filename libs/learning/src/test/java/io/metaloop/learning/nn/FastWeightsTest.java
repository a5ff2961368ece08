package io.metaloop.learning.nn;

import static io.metaloop.learning.nn.GradientCheck.images;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link Network#withParameters}: forward and backward at another parameter vector (MAML's fast
 * weights) without copying it into the network, checked against a network holding those values
 * and against central differences taken in the fast-weight vector itself.
 */
class FastWeightsTest {
    private static final double INNER_LEARNING_RATE = 0.1;

    /**
     * Every layer that binds parameters, inside both containers: a biased conv, plain convs, batch
     * norms, a residual block with a projection shortcut, a linear head; 6×6 images, 195 parameters.
     */
    private static Network tinyNetwork(long seed) {
        Layer main = new Sequential(List.of(new Conv2d(2, 3, 3, 1, 1), new BatchNorm2d(3), new Relu(),
                new Conv2d(3, 3, 3, 1, 1), new BatchNorm2d(3)));
        Layer shortcut = new Sequential(List.of(new Conv2d(2, 3, 1, 1, 0), new BatchNorm2d(3)));
        Sequential layers = new Sequential(List.of(
                new Conv2d(1, 2, 3, 1, 1, Conv2d.Init.TORCH_DEFAULT), new BatchNorm2d(2), new Relu(), new MaxPool2d(2, 2),
                new Residual(main, shortcut), new Relu(), new GlobalAvgPool(), new Linear(3, 3)));
        return new Network(layers, new long[] {1, 6, 6}, DataType.DOUBLE, seed);
    }

    private static double loss(Network net, INDArray x, int[] labels) {
        return SoftmaxCrossEntropy.evaluate(net.forward(x, Mode.EPISODE), labels).loss();
    }

    /** The cross-entropy gradient at whatever parameters the network is bound to now. */
    private static INDArray gradient(Network net, INDArray x, int[] labels) {
        SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.evaluate(net.forward(x, Mode.EPISODE), labels);
        net.backward(r.gradLogits());
        return net.gradients().dup();
    }

    private static INDArray perturbed(INDArray params, Random random) {
        INDArray out = params.dup();
        for (long i = 0; i < out.length(); i++) {
            out.putScalar(i, out.getDouble(i) + 0.2 * random.nextGaussian());
        }
        return out;
    }

    private static void assertMatchesCentralDifferences(String what, INDArray params, INDArray analytic, long[] indices,
                                                        java.util.function.Supplier<Double> loss) {
        GradientCheck.Mismatch worst = GradientCheck.worst(params, analytic, indices, GradientCheck.H, GradientCheck.FLOOR, loss);
        assertTrue(worst.relativeError() < GradientCheck.TOLERANCE, what + ", parameter " + worst.index() + ": analytic "
                + worst.analytic() + ", central difference " + worst.numeric() + ", relative error " + worst.relativeError());
    }

    @Test
    void fastWeightsGiveWhatANetworkHoldingThemGivesAndTheOwnParametersStayIntact() {
        Network net = tinyNetwork(1);
        Network holder = tinyNetwork(1);
        Random random = new Random(2);
        INDArray x = images(random, 4, 1, 6, 0, 1);
        int[] labels = {0, 2, 1, 2};
        INDArray theta = net.params().dup();
        double[] atTheta = net.forward(x, Mode.EPISODE).data().asDouble();
        INDArray fast = perturbed(theta, random);
        INDArray fastBefore = fast.dup();

        holder.params().assign(fast);
        double[] expectedEpisode = holder.forward(x, Mode.EPISODE).data().asDouble();
        double[] expectedGradient = gradient(holder, x, labels).toDoubleVector();
        double[] expectedEval = holder.forward(x, Mode.EVAL).data().asDouble();

        double[] episode;
        double[] grad;
        double[] eval;
        try (Network.ParameterScope scope = net.withParameters(fast)) {
            episode = net.forward(x, Mode.EPISODE).data().asDouble();
            grad = gradient(net, x, labels).toDoubleVector();
            eval = net.forward(x, Mode.EVAL).data().asDouble();
        }
        assertArrayEquals(expectedEpisode, episode, 0.0, "EPISODE output");
        assertArrayEquals(expectedGradient, grad, 0.0, "gradient");
        assertArrayEquals(expectedEval, eval, 0.0, "EVAL output");
        assertFalse(Arrays.equals(atTheta, episode), "the fast weights should change the output");

        // θ is untouched and bound again; the fast weights were only read
        assertArrayEquals(theta.toDoubleVector(), net.params().toDoubleVector(), 0.0);
        assertArrayEquals(atTheta, net.forward(x, Mode.EPISODE).data().asDouble(), 0.0);
        assertArrayEquals(fastBefore.toDoubleVector(), fast.toDoubleVector(), 0.0);
    }

    @Test
    void backwardInsideTheScopeIsTheGradientAtTheFastWeights() {
        Network net = tinyNetwork(3);
        Random random = new Random(4);
        INDArray x = images(random, 4, 1, 6, 0, 1);
        int[] labels = {1, 0, 2, 1};
        INDArray fast = perturbed(net.params(), random);
        long[] indices = EpisodeModeTest.sampleEveryTensor(net, 2, random);
        try (Network.ParameterScope scope = net.withParameters(fast)) {
            INDArray analytic = gradient(net, x, labels);
            // the differences perturb the fast-weight vector in place: the bound views must see it
            assertMatchesCentralDifferences("gradient at the fast weights", fast, analytic, indices, () -> loss(net, x, labels));
        }
    }

    @Test
    void firstOrderMamlGradientIsTheQueryGradientAtTheAdaptedWeights() {
        Network net = tinyNetwork(5);
        Random random = new Random(6);
        // a 3-way episode: two support and two query images per class
        INDArray support = images(random, 6, 1, 6, 0, 1);
        int[] supportLabels = {0, 0, 1, 1, 2, 2};
        INDArray query = images(random, 6, 1, 6, 0, 1);
        int[] queryLabels = {0, 1, 2, 0, 1, 2};
        INDArray theta = net.params().dup();
        double[] buffers = net.buffers().toDoubleVector();
        long[] indices = EpisodeModeTest.sampleEveryTensor(net, 2, random);

        // inner step on a copy of θ, through the scope: θ' = θ − α∇L_support(θ), updated in place
        INDArray fast = theta.dup();
        INDArray supportGradient;
        INDArray queryGradient;
        try (Network.ParameterScope scope = net.withParameters(fast)) {
            supportGradient = gradient(net, support, supportLabels);
            fast.subi(supportGradient.mul(INNER_LEARNING_RATE));
            // first-order MAML's meta-gradient: ∇L_query at θ', treating θ' as the variable
            queryGradient = gradient(net, query, queryLabels);
            assertMatchesCentralDifferences("query gradient at θ'", fast, queryGradient, indices,
                    () -> loss(net, query, queryLabels));
        }
        // the inner step used the support gradient at θ: check it on the network's own parameters
        assertMatchesCentralDifferences("support gradient at θ", net.params(), supportGradient, indices,
                () -> loss(net, support, supportLabels));
        // at θ the query gradient is another vector: the step mattered
        double[] queryGradientAtTheta = gradient(net, query, queryLabels).toDoubleVector();
        double difference = 0;
        for (int i = 0; i < queryGradientAtTheta.length; i++) {
            difference = Math.max(difference, Math.abs(queryGradientAtTheta[i] - queryGradient.getDouble(i)));
        }
        assertTrue(difference > 1e-3, "query gradients at θ and θ' differ by only " + difference);

        assertArrayEquals(theta.toDoubleVector(), net.params().toDoubleVector(), 0.0, "θ changed");
        assertArrayEquals(buffers, net.buffers().toDoubleVector(), 0.0, "EPISODE changed the running statistics");
    }

    @Test
    void scopesRejectMismatchedVectorsAndDoNotNest() {
        Network net = tinyNetwork(7);
        long n = net.numParams();
        assertThrows(IllegalArgumentException.class, () -> net.withParameters(Nd4j.create(DataType.DOUBLE, n + 1)));
        assertThrows(IllegalArgumentException.class, () -> net.withParameters(Nd4j.create(DataType.FLOAT, n)));
        assertThrows(IllegalArgumentException.class, () -> net.withParameters(Nd4j.create(DataType.DOUBLE, 1, n)));
        // every second element of a longer vector: reshaping it into layer views would copy
        INDArray strided = Nd4j.create(DataType.DOUBLE, 2 * n).get(NDArrayIndex.interval(0, 2, 2 * n));
        assertThrows(IllegalArgumentException.class, () -> net.withParameters(strided));

        INDArray fast = net.params().dup();
        Network.ParameterScope scope = net.withParameters(fast);
        assertThrows(IllegalStateException.class, () -> net.withParameters(fast));
        scope.close();
        scope.close(); // closing twice is harmless
        assertDoesNotThrow(() -> net.withParameters(fast).close());
    }
}
