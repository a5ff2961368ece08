package io.metaloop.learning.method.selfsupervised;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.datasets.Batches;
import io.metaloop.datasets.EpochOrder;
import io.metaloop.datasets.FashionMnist;
import io.metaloop.datasets.ShardedSplit;
import io.metaloop.datasets.SplitData;
import io.metaloop.learning.BundledData;
import io.metaloop.learning.backbone.Conv4;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.CheckpointCodec;
import io.metaloop.learning.checkpoint.TrainingPosition;
import io.metaloop.learning.method.Methods;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.LayerTap;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Deep InfoMax against its definition (seeds.md §2.6, Hjelm et al. 2019 appendix A): the
 * discriminator pairs, hand-computable loss values, the full gradient (backbone through the
 * injected map gradient, and both discriminators) against central differences in double
 * precision, and a short run on real images with a checkpoint round trip.
 */
class DeepInfoMaxTest {
    private static final double LOG2 = Math.log(2);
    /** Central differences in every STEP-th element of each tensor (and its last), to keep the test short. */
    private static final int STEP = 7;
    private static final int SIDE = 8;
    /**
     * The loss is a mean of a few hundred softplus terms near 1.5, each evaluation rounded to a few
     * ulps (≈1e-15), so a difference quotient with h = 1e-6 carries ≈1e-9 of rounding noise (observed);
     * gradients below FLOOR are held to an absolute error of 1e-5·FLOOR = 1e-8, ten times that noise,
     * while a wrong term (a missing or misplaced share of the map's gradient) is off by O(1).
     */
    private static final double FLOOR = 1e-3;

    private static ExperimentSpec spec(int batchSize, String extra) {
        return Json.read("{\"method\":\"deep-infomax\",\"dataset\":\"fashion-mnist\",\"backbone\":\"conv4\",\"epochs\":1,"
                + "\"batchSize\":" + batchSize + ",\"seed\":5" + extra + "}", ExperimentSpec.class);
    }

    private static DeepInfoMax method(ExperimentSpec spec) {
        return new DeepInfoMax(ModelSpec.features("conv4", 1, 28, 28), spec.deepInfomax(), spec);
    }

    /**
     * Tiny double-precision pieces: a narrow Conv4 encoder (widths 2-3-4-5) for SIDE × SIDE images, its
     * tap, and small discriminators (5 features, 2 map channels, widths 6 and 7-4). 16 pixels leave the
     * last block a 2×2 map, so its batch norm in training mode averages more than a handful of values
     * and stays smooth on the scale of the differences' step.
     */
    private record Tiny(Network encoder, LayerTap tap, Network head) {
        static Tiny create(int inChannels, long seed) {
            Network encoder = new Network(Sequential.builder().add("encoder", Conv4.create(inChannels, new int[] {2, 3, 4, 5})
                    .layer()).build(), new long[] {inChannels, SIDE, SIDE}, DataType.DOUBLE, seed);
            Network head = new Network(DeepInfoMax.discriminators(5, 2, 6, 7, 4), new long[] {5}, DataType.DOUBLE, seed + 1);
            return new Tiny(encoder, LayerTap.firstRelu(encoder), head);
        }

        DeepInfoMax.Terms terms(INDArray x, INDArray noise, double beta, double gamma, boolean adversarial) {
            INDArray y = tap.forward(x, Mode.TRAIN);
            return DeepInfoMax.terms(y, tap.tapped(), noise, head, beta, gamma, adversarial);
        }
    }

    private static void zero(Network net, String prefix, double value) {
        for (Network.Tensor t : net.parameterTensors()) {
            if (t.name().startsWith(prefix)) {
                net.params().get(NDArrayIndex.interval(t.offset(), t.offset() + t.length()))
                        .assign(t.name().endsWith("bias") ? value : 0);
            }
        }
    }

    @Test
    void theDiscriminatorSeesEachMapPositionWithItsOwnFeaturesThenWithTheNextImagesMap() {
        // B = 3, Cm = 2, Hm = 1, Wm = 2, F = 2; M[b, c, 0, w] = 100b + 10c + w, y[b] = (−b, −b − 0.5)
        INDArray m = Nd4j.create(DataType.DOUBLE, 3, 2, 1, 2);
        INDArray y = Nd4j.create(DataType.DOUBLE, 3, 2);
        for (int b = 0; b < 3; b++) {
            y.putScalar(new long[] {b, 0}, -b);
            y.putScalar(new long[] {b, 1}, -b - 0.5);
            for (int c = 0; c < 2; c++) {
                for (int w = 0; w < 2; w++) {
                    m.putScalar(new long[] {b, c, 0, w}, 100 * b + 10 * c + w);
                }
            }
        }
        INDArray pairs = DeepInfoMax.localPairs(y, m);
        assertArrayEquals(new long[] {12, 4}, pairs.shape());
        for (int half = 0; half < 2; half++) {
            for (int b = 0; b < 3; b++) {
                int source = half == 0 ? b : (b + 1) % 3; // the seed's M' = cat(M[1:], M[0:1])
                for (int w = 0; w < 2; w++) {
                    double[] row = pairs.getRow(half * 6 + b * 2 + w).toDoubleVector();
                    assertArrayEquals(new double[] {100 * source + w, 100 * source + 10 + w, -b, -b - 0.5}, row, 0,
                            "half " + half + ", image " + b + ", position " + w);
                }
            }
        }
    }

    @Test
    void constantScoresGiveTheSoftplusValuesOfTheJsdAndPriorLosses() {
        Tiny tiny = Tiny.create(1, 1);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 1, SIDE, SIDE);
        INDArray noise = Nd4j.rand(DataType.DOUBLE, 3, 5);
        // last layers zero: T = 0 and D's logit 0 everywhere, so each term is log 2 + log 2
        zero(tiny.head(), "local_d.c2.", 0);
        zero(tiny.head(), "prior_d.l2.", 0);
        DeepInfoMax.Terms t = tiny.terms(x, noise, 1, 0.1, false);
        assertEquals(2 * LOG2, t.local(), 1e-12);
        assertEquals(2 * LOG2, t.prior(), 1e-12);
        assertEquals(1.1 * 2 * LOG2, t.loss(), 1e-12);
        // constant T = 0.7 and logit −1.3: softplus(T) + softplus(−T) and −log σ(−1.3) − log(1 − σ(−1.3))
        zero(tiny.head(), "local_d.c2.", 0.7);
        zero(tiny.head(), "prior_d.l2.", -1.3);
        t = tiny.terms(x, noise, 2, 0.5, false);
        double local = Math.log(1 + Math.exp(0.7)) + Math.log(1 + Math.exp(-0.7));
        double sigma = 1 / (1 + Math.exp(1.3));
        double prior = -Math.log(sigma) - Math.log(1 - sigma);
        assertEquals(local, t.local(), 1e-12);
        assertEquals(prior, t.prior(), 1e-12);
        assertEquals(2 * local + 0.5 * prior, t.loss(), 1e-12);
        assertEquals(0.5, t.accuracy(), 0, "T > 0 everywhere: positives right, negatives wrong");
    }

    @Test
    void theWholeGradientMatchesCentralDifferences() {
        assertGradients(false);
    }

    /** The paper's game: the backbone follows −∂(γ·prior), the discriminators +∂ of the same loss. */
    @Test
    void theAdversarialPriorReversesOnlyTheBackbonesShareOfThePriorGradient() {
        assertGradients(true);
    }

    private static void assertGradients(boolean adversarial) {
        Tiny tiny = Tiny.create(2, adversarial ? 11 : 3);
        Random random = new Random(adversarial ? 2 : 1);
        INDArray x = Nd4j.create(DataType.DOUBLE, 3, 2, SIDE, SIDE);
        INDArray noise = Nd4j.create(DataType.DOUBLE, 3, 5);
        fill(x, random);
        fill(noise, random);
        double beta = 1;
        double gamma = 0.7; // larger than the seed's 0.1, so that a wrong prior gradient cannot hide
        DeepInfoMax.Terms t = tiny.terms(x, noise, beta, gamma, adversarial);
        tiny.tap().backward(t.gradFeatures(), t.gradMap());
        INDArray backbone = tiny.encoder().gradients().dup();
        INDArray head = tiny.head().gradients().dup();
        // what the backbone descends: β·local ± γ·prior; the discriminators always descend β·local + γ·prior
        double sign = adversarial ? -1 : 1;
        assertMatches("backbone", tiny.encoder(), backbone, () -> {
            DeepInfoMax.Terms u = tiny.terms(x, noise, beta, gamma, adversarial);
            return beta * u.local() + sign * gamma * u.prior();
        });
        assertMatches("discriminators", tiny.head(), head, () -> tiny.terms(x, noise, beta, gamma, adversarial).loss());
        assertTrue(t.gradMap().norm2Number().doubleValue() > 0, "the local term reaches the map");
    }

    /** Every {@code step}-th element of each parameter tensor, from its first, and its last. */
    private static long[] sample(Network net, int step) {
        java.util.stream.LongStream.Builder out = java.util.stream.LongStream.builder();
        for (Network.Tensor t : net.parameterTensors()) {
            for (long i = 0; i < t.length(); i += step) {
                out.add(t.offset() + i);
            }
            if ((t.length() - 1) % step != 0) {
                out.add(t.offset() + t.length() - 1);
            }
        }
        return out.build().toArray();
    }

    private static void fill(INDArray a, Random random) {
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, random.nextDouble());
        }
    }

    /**
     * Central differences with h = 1e-6 in double precision in a sample of every tensor; as in
     * nn.GradientCheck, relative error against max(|a|, |n|, FLOOR) below 1e-5.
     */
    private static void assertMatches(String what, Network net, INDArray analytic, Supplier<Double> loss) {
        INDArray params = net.params();
        double h = 1e-6;
        double worst = 0;
        String where = "";
        for (long i : sample(net, STEP)) {
            double original = params.getDouble(i);
            params.putScalar(i, original + h);
            double plus = loss.get();
            params.putScalar(i, original - h);
            double minus = loss.get();
            params.putScalar(i, original);
            double numeric = (plus - minus) / (2 * h);
            double a = analytic.getDouble(i);
            double rel = Math.abs(a - numeric) / Math.max(Math.max(Math.abs(a), Math.abs(numeric)), FLOOR);
            if (rel > worst) {
                worst = rel;
                where = what + " parameter " + i + ": analytic " + a + ", central difference " + numeric;
            }
        }
        assertTrue(worst < 1e-5, where + ", relative error " + worst);
    }

    @Test
    void theSeedsBackbonesGiveTheSeedsMapChannels() {
        assertEquals(8, DeepInfoMax.mapChannels(ModelSpec.features("conv4", 3, 32, 32)));
        assertEquals(16, DeepInfoMax.mapChannels(ModelSpec.features("resnet8", 3, 32, 32)));
        assertEquals(16, DeepInfoMax.mapChannels(ModelSpec.features("resnet32", 3, 32, 32)));
        assertEquals(16, DeepInfoMax.mapChannels(ModelSpec.features("resnet56", 3, 32, 32)));
        assertEquals(64, DeepInfoMax.mapChannels(ModelSpec.features("resnet34", 3, 64, 64)));
    }

    @Test
    void aBatchOfOneImageIsRefused() {
        // the spec refuses batchSize 1 outright, and the method a one-image batch that reaches it anyway
        var refused = assertThrows(io.metaloop.contracts.InvalidMessageException.class, () -> spec(1, ""));
        assertEquals("batchSize", refused.errors().get(0).field());
        DeepInfoMax dim = method(spec(4, ""));
        SplitData train = fashionMnist(1);
        BatchFrame one = Batches.assemble(ShardedSplit.inMemory(train), null, 0, 0, 1, true);
        assertThrows(IllegalArgumentException.class, () -> dim.step(one));
    }

    @Test
    void theMethodIsRegisteredUnderItsName() {
        var data = new io.metaloop.contracts.DatasetInfo("fashion-mnist", 1, 28, 28,
                List.of(new io.metaloop.contracts.DatasetInfo.Level("class", List.of("a", "b"))), java.util.Map.of());
        assertEquals(DeepInfoMax.NAME, Methods.create(spec(4, ""), data).name());
    }

    private static SplitData fashionMnist(int images) {
        try {
            return FashionMnist.read(BundledData.fashionMnist()).get("train").head(images);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Real images through the method's own step: the zeroed last layers give (β + γ)·2·log 2 on the
     * first step; the loss stays finite and falls; a checkpoint taken mid-run and restored into a
     * fresh method continues with the same losses and weights.
     */
    @Test
    void aShortRunOnFashionMnistLearnsAndResumesIdentically() {
        int batch = 8;
        int steps = 12;
        SplitData train = fashionMnist(batch * (steps + 2));
        int[] order = EpochOrder.permutation(train.count(), 1, 0);
        List<BatchFrame> batches = new ArrayList<>();
        for (int b = 0; b < steps + 2; b++) {
            batches.add(Batches.assemble(ShardedSplit.inMemory(train), order, 0, b, batch, true));
        }
        // Adam 1e-3 rather than the seed's 1e-4, to see the loss move within a dozen steps
        ExperimentSpec spec = spec(batch, ",\"optimizer\":{\"name\":\"adam\",\"learningRate\":0.001}");
        DeepInfoMax dim = method(spec);
        zero(dim.head(), "local_d.c2.", 0);
        zero(dim.head(), "prior_d.l2.", 0);
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            losses[s] = dim.step(batches.get(s));
            assertTrue(Double.isFinite(losses[s]), "step " + s + ": " + losses[s]);
        }
        assertEquals(1.1 * 2 * LOG2, losses[0], 1e-5, "T = 0 and D's logit 0 on the first step");
        double first = (losses[0] + losses[1] + losses[2]) / 3;
        double last = (losses[steps - 3] + losses[steps - 2] + losses[steps - 1]) / 3;
        assertTrue(last < first, "loss " + java.util.Arrays.toString(losses));

        Checkpoint saved = CheckpointCodec.decode(CheckpointCodec.encode(dim.checkpoint("dim-test",
                new TrainingPosition(0, steps))));
        DeepInfoMax resumed = method(spec);
        resumed.restore(saved);
        for (int s = steps; s < steps + 2; s++) {
            assertEquals(dim.step(batches.get(s)), resumed.step(batches.get(s)), 0, "step " + s);
        }
        assertArrayEquals(dim.model().network().params().toFloatVector(), resumed.model().network().params().toFloatVector());
        assertArrayEquals(dim.head().params().toFloatVector(), resumed.head().params().toFloatVector());
    }
}
