package io.metaloop.learning.method.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.learning.nn.BatchNorm2d;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** What the three batch-norm settings promise at test time, and the per-episode statistics' scaling. */
class BatchNormSettingsTest {
    private static final FewShotLearner.TestSettings STEPS = new FewShotLearner.TestSettings(3, BatchNormSetting.TRANSDUCTIVE);

    private static double[][] logitsOneByOne(GradientMetaLearner learner, Episode e, FewShotLearner.TestSettings s) {
        double[][] out = new double[(int) e.query().size(0)][];
        for (int q = 0; q < out.length; q++) {
            out[q] = learner.queryLogits(e, e.query().get(NDArrayIndex.interval(q, q + 1)).dup(), s)[0];
        }
        return out;
    }

    @Test
    void inductiveQueriesScoreTheSameAloneOrTogetherAndTransductiveOnesDoNot() {
        for (BatchNormSetting setting : BatchNormSetting.values()) {
            GradientMetaLearner learner = MamlMetaGradientTest.learner(MamlMetaGradientTest.config("transductive", false,
                    List.of()), 21);
            Network net = learner.model().network();
            net.buffers().assign(Nd4j.rand(DataType.DOUBLE, net.buffers().length()).addi(0.5));
            Episode e = MamlMetaGradientTest.randomEpisode(new Random(1), 3, 2, 3, 16);
            FewShotLearner.TestSettings s = new FewShotLearner.TestSettings(STEPS.innerSteps(), setting);
            double[][] together = learner.queryLogits(e, e.query(), s);
            double[][] alone = logitsOneByOne(learner, e, s);
            double largest = 0;
            for (int q = 0; q < together.length; q++) {
                for (int w = 0; w < together[q].length; w++) {
                    largest = Math.max(largest, Math.abs(together[q][w] - alone[q][w]));
                }
            }
            if (setting == BatchNormSetting.TRANSDUCTIVE) {
                assertTrue(largest > 1e-3, "transductive: a query's logits depend on the other queries (" + largest + ")");
            } else {
                assertEquals(0, largest, 1e-12, setting + ": a query's logits depend on it alone");
            }
        }
    }

    @Test
    void testingLeavesTheStoredStatisticsAsTheyWere() {
        GradientMetaLearner learner = MamlMetaGradientTest.learner(MamlMetaGradientTest.config("inductive-episodic", false,
                List.of()), 22);
        Network net = learner.model().network();
        INDArray before = net.buffers().dup();
        Episode e = MamlMetaGradientTest.randomEpisode(new Random(2), 3, 2, 3, 16);
        for (BatchNormSetting setting : BatchNormSetting.values()) {
            learner.predict(e, new FewShotLearner.TestSettings(3, setting));
            assertEquals(before, net.buffers(), setting + " left a trace in the running statistics");
        }
    }

    @Test
    void perEpisodeStatisticsAreTheResetValuesDecayedTowardsTheSupportStatistics() {
        // with the seed's reset to 0/1 and momentum 0.1, n forwards of the same batch leave
        // mean = (1 − 0.9ⁿ)·batch mean and var = 0.9ⁿ·1 + (1 − 0.9ⁿ)·unbiased batch variance
        BatchNorm2d bn = new BatchNorm2d(2);
        Network net = new Network(bn, new long[] {2, 3, 3}, DataType.DOUBLE, 1);
        net.buffers().assign(Nd4j.createFromArray(7.0, -7.0, 9.0, 9.0)); // global statistics, to be restored
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 2, 3, 3).muli(3).addi(1);
        EpisodeStatistics statistics = EpisodeStatistics.begin(net, BatchNormSetting.INDUCTIVE_EPISODIC);
        assertArrayEquals(new double[] {0, 0, 1, 1}, net.buffers().toDoubleVector(), 0, "reset at the episode's start");
        int steps = 5;
        for (int k = 0; k < steps; k++) {
            net.forward(x, Mode.TRAIN);
        }
        double kept = Math.pow(0.9, steps);
        for (int c = 0; c < 2; c++) {
            INDArray channel = x.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all());
            double mean = channel.meanNumber().doubleValue();
            double unbiased = channel.varNumber().doubleValue(); // ND4J's var is the bias-corrected one
            assertEquals((1 - kept) * mean, net.buffers().getDouble(c), 1e-12);
            assertEquals(kept + (1 - kept) * unbiased, net.buffers().getDouble(2 + c), 1e-12);
        }
        assertEquals(0.40951, 1 - kept, 1e-12, "after 5 steps only 41% of the support mean");
        statistics.end();
        assertArrayEquals(new double[] {7, -7, 9, 9}, net.buffers().toDoubleVector(), 0, "the global statistics come back");
    }
}
