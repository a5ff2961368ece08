package io.metaloop.learning.method.selfsupervised;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.metaloop.contracts.frame.BatchFrame;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The family's losses, pairs and rotations against hand-computed values and central differences. */
class SelfSupervisedLossesTest {

    @Test
    void focalLossAtLogitZeroIsTheHandComputedValue() {
        // p_t = 0.5, BCE = ln 2, (1 − p_t)^2 = 0.25, α_t = 0.5: 0.125·ln 2 = 0.0866
        SigmoidFocalLoss.Result r = SigmoidFocalLoss.focal(2, 0.5).evaluate(new float[] {0f}, new float[] {1f});
        assertEquals(0.125 * Math.log(2), r.loss(), 1e-12);
        assertEquals(0.0866, r.loss(), 5e-5);
        // α s (1 − p_t)^γ (γ p_t log p_t − (1 − p_t)) = 0.5 · 0.25 · (−ln 2 − 0.5)
        assertEquals(0.125 * (-Math.log(2) - 0.5), r.gradLogits()[0], 1e-7);
        // a negative pair at logit 0 has the opposite gradient
        SigmoidFocalLoss.Result negative = SigmoidFocalLoss.focal(2, 0.5).evaluate(new float[] {0f}, new float[] {0f});
        assertEquals(0.125 * Math.log(2), negative.loss(), 1e-12);
        assertEquals(-0.125 * (-Math.log(2) - 0.5), negative.gradLogits()[0], 1e-7);
    }

    @Test
    void focalAndBceGradientsMatchCentralDifferences() {
        float[] logits = {-3.1f, -0.4f, 0.2f, 1.7f, 4.0f, -8f};
        float[] targets = {1, 0, 1, 0, 1, 0};
        for (SigmoidFocalLoss loss : new SigmoidFocalLoss[] {SigmoidFocalLoss.focal(2, 0.5), SigmoidFocalLoss.focal(1.5, 0.25),
                SigmoidFocalLoss.binaryCrossEntropy()}) {
            float[] grad = loss.evaluate(logits, targets).gradLogits();
            for (int i = 0; i < logits.length; i++) {
                double h = 1e-3;
                float[] plus = logits.clone();
                float[] minus = logits.clone();
                plus[i] += (float) h;
                minus[i] -= (float) h;
                double numeric = (loss.evaluate(plus, targets).loss() - loss.evaluate(minus, targets).loss())
                        / (plus[i] - minus[i]);
                assertEquals(numeric, grad[i], 1e-5 + 1e-3 * Math.abs(numeric), "logit " + i);
            }
        }
        // BCE is the textbook formula: mean of softplus(−z) for positives and softplus(z) for negatives
        double expected = 0;
        for (int i = 0; i < logits.length; i++) {
            expected += targets[i] == 1 ? Math.log1p(Math.exp(-logits[i])) : Math.log1p(Math.exp(logits[i]));
        }
        assertEquals(expected / logits.length, SigmoidFocalLoss.binaryCrossEntropy().evaluate(logits, targets).loss(), 1e-12);
        // finite at extreme logits
        SigmoidFocalLoss.Result extreme = SigmoidFocalLoss.focal(2, 0.5).evaluate(new float[] {1000f, -1000f},
                new float[] {0f, 1f});
        assertEquals(0.5 * 1000, extreme.loss(), 1e-9);
    }

    @Test
    void pairsForFourImagesAndThreeViewsFollowTheSeedsShifts() {
        RelationPairs pairs = new RelationPairs(4, 3, 2, "cat");
        assertEquals(24, pairs.count());
        assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0}, pairs.targets());
        // block pairs (0,1) shift 1, (0,2) shift 2, (1,2) shift 3: negative right = j·B + (b − shift) mod B
        int[] left = new int[24];
        int[] right = new int[24];
        for (int p = 0; p < 24; p++) {
            left[p] = pairs.left(p);
            right[p] = pairs.right(p);
        }
        assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7}, left);
        assertArrayEquals(new int[] {4, 5, 6, 7, 7, 4, 5, 6, 8, 9, 10, 11, 10, 11, 8, 9, 8, 9, 10, 11, 9, 10, 11, 8}, right);
        assertEquals(63_488, new RelationPairs(64, 32, 64, "cat").count());
        assertThrows(IllegalArgumentException.class, () -> new RelationPairs(1, 4, 8, "cat"));
        assertThrows(IllegalArgumentException.class, () -> new RelationPairs(4, 1, 8, "cat"));
        // the shift wraps back to 1 when it reaches B: B = 2, K = 3 gives shifts 1, 1, 1
        RelationPairs wrapped = new RelationPairs(2, 3, 1, "cat");
        assertEquals(3, wrapped.right(2)); // block (0,1), b = 0: 2 + (0 − 1) mod 2
        assertEquals(5, wrapped.right(6)); // block (0,2), b = 0, shift back at 1: 4 + 1
    }

    @Test
    void aggregationsAndTheirGradients() {
        float[] f = {1, -2, 3, 4, 0.5f, 6, -7, 8}; // K·B = 2·2 rows of F = 2
        RelationPairs cat = new RelationPairs(2, 2, 2, "cat");
        // pairs: (0,2) (1,3) positives, (0,3) (1,2) negatives (shift 1)
        assertArrayEquals(new float[] {1, -2, 0.5f, 6, 3, 4, -7, 8, 1, -2, -7, 8, 3, 4, 0.5f, 6}, cat.aggregate(f));
        assertArrayEquals(new float[] {1.5f, 4, -4, 12, -6, 6, 3.5f, 10}, new RelationPairs(2, 2, 2, "sum").aggregate(f));
        assertArrayEquals(new float[] {0.75f, 2, -2, 6, -3, 3, 1.75f, 5}, new RelationPairs(2, 2, 2, "mean").aggregate(f));
        assertArrayEquals(new float[] {1, 6, 3, 8, 1, 8, 3, 6}, new RelationPairs(2, 2, 2, "max").aggregate(f));
        // the aggregation is linear (piecewise for max): the backward of a weighting G is the gradient of <G, aggregate(f)>
        Random random = new Random(5);
        for (String aggregation : RelationPairs.AGGREGATIONS) {
            RelationPairs pairs = new RelationPairs(2, 2, 2, aggregation);
            float[] g = new float[pairs.count() * pairs.width()];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) random.nextGaussian();
            }
            float[] grad = pairs.backward(f, g);
            for (int i = 0; i < f.length; i++) {
                float[] plus = f.clone();
                float[] minus = f.clone();
                plus[i] += 0.01f;
                minus[i] -= 0.01f;
                double numeric = (dot(g, pairs.aggregate(plus)) - dot(g, pairs.aggregate(minus))) / 0.02;
                assertEquals(numeric, grad[i], 1e-3, aggregation + " feature " + i);
            }
        }
    }

    @Test
    void simclrLossesOnFourEmbeddingsAreTheHandComputedValues() {
        // z = (1,0), (0,1), (1,1), (−1,2); partners 0↔2, 1↔3; τ 0.5. Per column c the ratio
        // exp(s_pc) / Σ_{k≠c} exp(s_kc): 0.744872, 0.539174, 0.406901, 0.723089 (computed by hand from the cosines
        // 0, 1/√2, −1/√5 | 1/√2, 2/√5 | 1/√10).
        double[] z = {1, 0, 0, 1, 1, 1, -1, 2};
        double[] ratios = {0.7448717452286064, 0.5391743206682105, 0.4069009046413229, 0.7230889845205528};
        double meanRatio = (ratios[0] + ratios[1] + ratios[2] + ratios[3]) / 4;
        ContrastiveLoss seed = new ContrastiveLoss(ContrastiveLoss.SEED, 0.5);
        ContrastiveLoss ntXent = new ContrastiveLoss(ContrastiveLoss.NT_XENT, 0.5);
        assertEquals(-Math.log(meanRatio), seed.evaluate(z, 4).loss(), 1e-12);
        assertEquals(0.5049943441649606, seed.evaluate(z, 4).loss(), 1e-12);
        double meanLog = (Math.log(ratios[0]) + Math.log(ratios[1]) + Math.log(ratios[2]) + Math.log(ratios[3])) / 4;
        assertEquals(-meanLog, ntXent.evaluate(z, 4).loss(), 1e-12);
        assertEquals(0.5339170407998827, ntXent.evaluate(z, 4).loss(), 1e-12);
        for (ContrastiveLoss loss : new ContrastiveLoss[] {seed, ntXent}) {
            double[] grad = loss.evaluate(z, 4).gradEmbeddings();
            for (int i = 0; i < z.length; i++) {
                double h = 1e-6;
                double[] plus = z.clone();
                double[] minus = z.clone();
                plus[i] += h;
                minus[i] -= h;
                double numeric = (loss.evaluate(plus, 4).loss() - loss.evaluate(minus, 4).loss()) / (2 * h);
                assertEquals(numeric, grad[i], 1e-8, "element " + i);
            }
        }
    }

    @Test
    void simclrIsFiniteAtASmallTemperature() {
        double[] z = {1, 0, 0, 1, 1, 0.001, 0.001, 1};
        ContrastiveLoss.Result r = new ContrastiveLoss(ContrastiveLoss.NT_XENT, 1e-3).evaluate(z, 4);
        assertEquals(0, r.loss(), 1e-6); // each partner is far closer than any negative: every ratio is 1
        for (double g : r.gradEmbeddings()) {
            assertEquals(0, g, 1e-6);
        }
        assertEquals(1.0, r.accuracy());
        assertThrows(IllegalArgumentException.class, () -> new ContrastiveLoss("infonce", 0.5));
        assertThrows(IllegalArgumentException.class, () -> new ContrastiveLoss(ContrastiveLoss.SEED, 0.5)
                .evaluate(new double[] {1, 0, 0, 0, 1, 1, 0, 1}, 4));
    }

    @Test
    void rotationsTurnCounterClockwiseWithTheirLabels() {
        // one 2×2 image [[1, 2], [3, 4]]: torch.rot90 k=1 gives [[2, 4], [1, 3]], k=2 [[4, 3], [2, 1]], k=3 [[3, 1], [4, 2]]
        BatchFrame one = new BatchFrame(0, 0, 1, 1, 1, 2, 2, 1, new byte[] {1, 2, 3, 4}, new int[] {7});
        BatchFrame turned = RotationNet.rotations(one);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 2, 4, 1, 3, 4, 3, 2, 1, 3, 1, 4, 2}, turned.pixels());
        assertArrayEquals(new int[] {0, 1, 2, 3}, turned.labels());
        BatchFrame two = new BatchFrame(0, 0, 1, 2, 1, 2, 2, 1, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, new int[] {0, 1});
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2, 3, 3}, RotationNet.rotations(two).labels());
        assertThrows(IllegalArgumentException.class,
                () -> RotationNet.rotations(new BatchFrame(0, 0, 1, 1, 1, 1, 2, 1, new byte[] {1, 2}, new int[] {0})));
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
