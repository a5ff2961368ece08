package io.metaloop.learning.method.fewshot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.spec.InnerLoopSpec;
import io.metaloop.contracts.spec.MamlSpec;
import io.metaloop.contracts.spec.OptimizerSpec;
import io.metaloop.contracts.spec.TemperatureSpec;
import io.metaloop.learning.backbone.Backbone;
import io.metaloop.learning.backbone.ConvNet4;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.SoftmaxCrossEntropy;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The meta-gradient of a narrow ConvNet4 (double precision, 2 inner steps, inner momentum and
 * weight decay on, a learned temperature) against central differences of the outer loss with
 * respect to the initial parameters, in each batch-norm setting.
 *
 * <p>The function differenced is the definition of the outer loss: the inner loop's recurrence
 * written out here, support gradients in batch statistics, and the query scored with the
 * setting's statistics. Running statistics are constants to the meta-gradient, as in PyTorch
 * (buffers are updated outside the autograd graph), so the differenced function holds them at
 * the values the unperturbed run stored.
 */
class MamlMetaGradientTest {
    private static final int WAYS = 3;
    private static final int SHOTS = 2;
    private static final int QUERIES = 3;
    private static final int SIZE = 16;
    private static final int STEPS = 2;
    private static final double INNER_LR = 0.2;
    private static final double MOMENTUM = 0.9;
    private static final double WEIGHT_DECAY = 0.05;
    private static final double H = 1e-6;

    static Episode randomEpisode(Random random, int ways, int shots, int queries, int size) {
        INDArray support = Nd4j.rand(DataType.DOUBLE, (long) ways * shots, 1, size, size);
        INDArray query = Nd4j.rand(DataType.DOUBLE, (long) ways * queries, 1, size, size);
        // make the classes differ: way w is brighter by 0.3·w, so adaptation has something to find
        for (int w = 0; w < ways; w++) {
            support.get(org.nd4j.linalg.indexing.NDArrayIndex.interval((long) w * shots, (long) (w + 1) * shots)).addi(0.3 * w);
            query.get(org.nd4j.linalg.indexing.NDArrayIndex.interval((long) w * queries, (long) (w + 1) * queries)).addi(0.3 * w);
        }
        int[] supportLabels = new int[ways * shots];
        int[] queryLabels = new int[ways * queries];
        for (int i = 0; i < supportLabels.length; i++) {
            supportLabels[i] = i / shots;
        }
        for (int i = 0; i < queryLabels.length; i++) {
            queryLabels[i] = i / queries;
        }
        random.nextInt();
        return new Episode(ways, shots, queries, support, supportLabels, query, queryLabels);
    }

    static MamlSpec config(String batchNorm, boolean firstOrder, List<String> frozen) {
        return new MamlSpec(new InnerLoopSpec(STEPS, STEPS, INNER_LR, INNER_LR, MOMENTUM, WEIGHT_DECAY, frozen), firstOrder,
                batchNorm, false, new TemperatureSpec(1.5, true), 10.0).withDefaults(firstOrder ? "fomaml" : "maml");
    }

    /** A narrow ConvNet4 (4 channels) on 16×16 grey images with a WAYS-output head and a learned temperature. */
    static GradientMetaLearner learner(MamlSpec config, long seed) {
        Backbone narrow = ConvNet4.create("convnet4", 1, SIZE, SIZE, 4);
        Classifier model = Classifier.create(GradientMetaLearner.modelSpec("convnet4", 1, SIZE, SIZE, WAYS, config), narrow,
                seed, DataType.DOUBLE);
        OptimizerSpec adam = new OptimizerSpec("adam", 1e-3, 0.0, false, 0.0, null);
        return new GradientMetaLearner("maml", model, config, adam, 1, seed, new Episode.Shape(WAYS, SHOTS, QUERIES), null);
    }

    private static double crossEntropy(Network net, INDArray x, int[] labels, Mode mode) {
        return SoftmaxCrossEntropy.evaluate(net.forward(x, mode), labels).loss();
    }

    /**
     * The outer loss as a function of θ₀: the inner loop's recurrence, then the query loss. With
     * {@code constantGradients} the support gradients are the given ones (FOMAML's surrogate).
     */
    private static double outerLoss(Network net, Episode e, INDArray theta0, INDArray rates, BatchNormSetting setting,
                                    INDArray queryBuffers, INDArray[] constantGradients) {
        INDArray fast = theta0.dup();
        INDArray buffer = fast.ulike().assign(0);
        for (int k = 0; k < STEPS; k++) {
            INDArray g;
            if (constantGradients != null) {
                g = constantGradients[k];
            } else {
                try (Network.ParameterScope ignored = net.withParameters(fast)) {
                    net.backward(SoftmaxCrossEntropy.evaluate(net.forward(e.support(), Mode.EPISODE), e.supportLabels())
                            .gradLogits());
                }
                g = net.gradients().dup();
            }
            buffer.muli(MOMENTUM).addi(g.add(fast.mul(WEIGHT_DECAY)));
            fast.subi(buffer.mul(rates));
        }
        if (queryBuffers != null) {
            net.buffers().assign(queryBuffers);
        }
        try (Network.ParameterScope ignored = net.withParameters(fast)) {
            return crossEntropy(net, e.query(), e.queryLabels(), setting.queryMode());
        }
    }

    /**
     * The statistics the query is scored with in the unperturbed run: for the inductive settings,
     * those after the inner loop's support forwards (global ones updated, or per-episode ones reset
     * then updated); null for transductive, which stores none.
     */
    private static INDArray queryBuffers(Network net, Episode e, INDArray rates, BatchNormSetting setting) {
        if (setting == BatchNormSetting.TRANSDUCTIVE) {
            return null;
        }
        INDArray before = net.buffers().dup();
        EpisodeStatistics statistics = EpisodeStatistics.begin(net, setting);
        INDArray fast = net.params().dup();
        INDArray buffer = fast.ulike().assign(0);
        for (int k = 0; k < STEPS; k++) {
            try (Network.ParameterScope ignored = net.withParameters(fast)) {
                net.backward(SoftmaxCrossEntropy.evaluate(net.forward(e.support(), Mode.TRAIN), e.supportLabels()).gradLogits());
            }
            buffer.muli(MOMENTUM).addi(net.gradients().add(fast.mul(WEIGHT_DECAY)));
            fast.subi(buffer.mul(rates));
        }
        INDArray stored = net.buffers().dup();
        statistics.end();
        net.buffers().assign(before);
        return stored;
    }

    /**
     * Every 7th element of the vector and the last: 7 is coprime to 9, so the sample walks through
     * every position of the 3×3 kernels, and it reaches every tensor of the narrow network.
     */
    private static long[] sample(long length) {
        return java.util.stream.LongStream.concat(java.util.stream.LongStream.iterate(0, i -> i < length, i -> i + 7),
                java.util.stream.LongStream.of(length - 1)).distinct().toArray();
    }

    private static void assertMatches(String what, INDArray analytic, java.util.function.Function<INDArray, Double> loss,
                                      INDArray theta0) {
        double worst = 0;
        long worstIndex = -1;
        for (long i : sample(theta0.length())) {
            INDArray plus = theta0.dup();
            plus.putScalar(i, plus.getDouble(i) + H);
            INDArray minus = theta0.dup();
            minus.putScalar(i, minus.getDouble(i) - H);
            double numeric = (loss.apply(plus) - loss.apply(minus)) / (2 * H);
            double a = analytic.getDouble(i);
            double rel = Math.abs(a - numeric) / Math.max(Math.max(Math.abs(a), Math.abs(numeric)), 1e-4);
            if (rel > worst) {
                worst = rel;
                worstIndex = i;
            }
        }
        assertTrue(worst < 1e-5, what + ": parameter " + worstIndex + " has relative error " + worst + " (analytic "
                + analytic.getDouble(worstIndex) + ")");
    }

    @ParameterizedTest
    @EnumSource(BatchNormSetting.class)
    void secondOrderMetaGradientMatchesCentralDifferencesOfTheOuterLoss(BatchNormSetting setting) {
        String name = switch (setting) {
            case TRANSDUCTIVE -> "transductive";
            case INDUCTIVE -> "inductive";
            case INDUCTIVE_EPISODIC -> "inductive-episodic";
        };
        GradientMetaLearner learner = learner(config(name, false, List.of()), 11);
        Network net = learner.model().network();
        // non-trivial global statistics, so the inductive setting's query is not normalised by 0/1
        net.buffers().assign(Nd4j.rand(DataType.DOUBLE, net.buffers().length()).addi(0.5));
        Episode episode = randomEpisode(new Random(3), WAYS, SHOTS, QUERIES, SIZE);
        INDArray theta0 = net.params().dup();
        INDArray startBuffers = net.buffers().dup();
        INDArray rates = learner.currentRates();

        INDArray frozenStatistics = queryBuffers(net, episode, rates, setting);
        INDArray analytic = theta0.ulike().assign(0);
        learner.accumulate(episode, analytic);
        net.buffers().assign(startBuffers);
        assertTrue(analytic.norm2Number().doubleValue() > 1e-3, "a meta-gradient worth checking");
        assertMatches(name, analytic, t -> outerLoss(net, episode, t, rates, setting, frozenStatistics, null), theta0);
    }

    @Test
    void firstOrderDiffersExactlyByTheHessianTerms() {
        // FOMAML is the exact gradient of the surrogate in which the support gradients are constants
        GradientMetaLearner first = learner(config("transductive", true, List.of("bn")), 5);
        GradientMetaLearner second = learner(config("transductive", false, List.of("bn")), 5);
        Network net = first.model().network();
        Episode episode = randomEpisode(new Random(4), WAYS, SHOTS, QUERIES, SIZE);
        INDArray theta0 = net.params().dup();
        INDArray rates = first.currentRates();
        assertTrue(rates.sumNumber().doubleValue() > 0 && rates.minNumber().doubleValue() == 0, "bn frozen, the rest adapted");
        INDArray[] supportGradients = new INDArray[STEPS];
        INDArray fast = theta0.dup();
        INDArray buffer = fast.ulike().assign(0);
        for (int k = 0; k < STEPS; k++) {
            try (Network.ParameterScope ignored = net.withParameters(fast)) {
                net.backward(SoftmaxCrossEntropy.evaluate(net.forward(episode.support(), Mode.EPISODE),
                        episode.supportLabels()).gradLogits());
            }
            supportGradients[k] = net.gradients().dup();
            buffer.muli(MOMENTUM).addi(supportGradients[k].add(fast.mul(WEIGHT_DECAY)));
            fast.subi(buffer.mul(rates));
        }
        INDArray firstOrder = theta0.ulike().assign(0);
        first.accumulate(episode, firstOrder);
        assertMatches("first order", firstOrder,
                t -> outerLoss(net, episode, t, rates, BatchNormSetting.TRANSDUCTIVE, null, supportGradients), theta0);
        INDArray secondOrder = theta0.ulike().assign(0);
        second.accumulate(episode, secondOrder);
        Network net2 = second.model().network();
        assertMatches("second order", secondOrder,
                t -> outerLoss(net2, episode, t, rates, BatchNormSetting.TRANSDUCTIVE, null, null), theta0);
        double difference = secondOrder.sub(firstOrder).norm2Number().doubleValue();
        assertTrue(difference > 1e-3 * secondOrder.norm2Number().doubleValue(),
                "the Hessian terms matter here: ‖second − first‖ = " + difference);
    }

    @Test
    void metaSgdRateGradientMatchesCentralDifferences() {
        GradientMetaLearner learner = learner(config("transductive", false, List.of()), 9);
        Network net = learner.model().network();
        Episode episode = randomEpisode(new Random(6), WAYS, SHOTS, QUERIES, SIZE);
        INDArray rates = learner.currentRates().dup();
        // different rates per element, as Meta-SGD's become once learned
        rates.muli(Nd4j.rand(DataType.DOUBLE, rates.length()).addi(0.5));
        NetworkTask task = new NetworkTask(net, episode, Mode.EPISODE, Mode.EPISODE, Mode.EPISODE);
        InnerLoop.Rule rule = new InnerLoop.Rule(rates, MOMENTUM, WEIGHT_DECAY);
        InnerLoop.MetaGradient g = new InnerLoop().metaGradient(task, net.params(), STEPS, rule, true, true);
        INDArray theta0 = net.params().dup();
        assertMatches("inner learning rates", g.rates(),
                r -> outerLoss(net, episode, theta0, r, BatchNormSetting.TRANSDUCTIVE, null, null), rates);
    }
}
