package io.metaloop.learning.method.auxiliary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * MAXL's losses against their definitions (seeds.md §1.4): the mask-softmax's values by hand (the
 * issue's ψ = [2, 3] cases, the seed's 1e-8 leakage, no overflow at 1000), the focal loss on
 * probabilities by hand and its gradients and tangents against central differences, and the
 * entropy term against its closed form.
 */
class AuxiliaryLossesTest {
    private static final Psi PSI = new Psi(List.of(2, 3));

    @Test
    void maskSoftmaxPutsNoMassOutsideThePrimaryClassesBlock() {
        assertArrayEquals(new double[] {0.5, 0.5, 0, 0, 0}, MaskSoftmax.forward(new double[5], new int[] {0}, PSI, 0), 0);
        // a large logit outside the block changes nothing
        assertArrayEquals(new double[] {0.5, 0.5, 0, 0, 0},
                MaskSoftmax.forward(new double[] {0, 0, 20, 0, 0}, new int[] {0}, PSI, 0), 0);
        // class 1 owns columns 2..4
        assertArrayEquals(new double[] {0, 0, 1 / 3.0, 1 / 3.0, 1 / 3.0}, MaskSoftmax.forward(new double[5], new int[] {1}, PSI, 0),
                1e-15);
    }

    @Test
    void theSeedsEpsilonLeaksMassOutsideTheBlock() {
        // exp(0)·1 twice and exp(0)·1e-8 three times: 1/(2 + 3e-8) and 1e-8/(2 + 3e-8)
        double[] zeros = MaskSoftmax.forward(new double[5], new int[] {0}, PSI, 1e-8);
        double inside = 1 / (2 + 3e-8);
        assertArrayEquals(new double[] {inside, inside, 1e-8 * inside, 1e-8 * inside, 1e-8 * inside}, zeros, 1e-18);
        assertEquals(5e-9, zeros[2], 1e-15);
        // e^20·1e-8 = 4.85 outweighs the block: 0.708 of the mass outside it
        double[] leak = MaskSoftmax.forward(new double[] {0, 0, 20, 0, 0}, new int[] {0}, PSI, 1e-8);
        double e20 = Math.exp(20) * 1e-8;
        assertEquals(e20 / (2 + e20 + 2e-8), leak[2], 1e-12);
        assertEquals(0.708, leak[2], 5e-4);
    }

    @Test
    void hugeLogitsStayFinite() {
        for (double epsilon : new double[] {0, 1e-8}) {
            double[] t = MaskSoftmax.forward(new double[] {1000, 0, 1000, -1000, 0}, new int[] {0}, PSI, epsilon);
            for (double v : t) {
                assertTrue(Double.isFinite(v), java.util.Arrays.toString(t));
            }
            assertEquals(1, t[0], 1e-7); // 1e-8 of the mass leaks to column 2 with the seed's epsilon
            double[] g = MaskSoftmax.backward(t, new double[] {1, 2, 3, 4, 5}, 1);
            for (double v : g) {
                assertTrue(Double.isFinite(v));
            }
        }
    }

    @Test
    void maskSoftmaxGradientMatchesCentralDifferences() {
        Random random = new Random(3);
        int[] primary = {1, 0, 1};
        double[] z = random.doubles(15, -2, 2).toArray();
        double[] weights = random.doubles(15, -1, 1).toArray();
        for (double epsilon : new double[] {0, 1e-8, 0.3}) {
            Function<double[], Double> loss = logits -> dot(weights, MaskSoftmax.forward(logits, primary, PSI, epsilon));
            double[] analytic = MaskSoftmax.backward(MaskSoftmax.forward(z, primary, PSI, epsilon), weights, 3);
            assertArrayEquals(centralDifferences(loss, z), analytic, 1e-8);
        }
    }

    @Test
    void aPrimaryLabelOutsidePsiIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> MaskSoftmax.forward(new double[5], new int[] {2}, PSI, 0));
        assertTrue(e.getMessage().contains("primary label 2"), e.getMessage());
    }

    @Test
    void focalLossByHand() {
        // logits (0, 0): p = 0.5 each; target class 0: (1 − 0.5)²·(−ln 0.5) = 0.25·ln 2
        ProbabilityFocalLoss focal = new ProbabilityFocalLoss(2);
        ProbabilityFocalLoss.Result r = focal.evaluate(new double[] {0, 0}, new double[] {1, 0}, 1);
        assertEquals(0.25 * Math.log(2), r.loss(), 1e-15);
        // γ = 0 is cross-entropy: −log softmax
        ProbabilityFocalLoss ce = new ProbabilityFocalLoss(0);
        double[] z = {1, 2, 3};
        double logSum = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        assertEquals(logSum - 2, ce.evaluate(z, new double[] {0, 1, 0}, 1).loss(), 1e-12);
        // soft targets: the mean over rows of Σ y·ℓ
        ProbabilityFocalLoss.Result soft = focal.evaluate(new double[] {0, 0, 0, 0}, new double[] {0.3, 0.7, 1, 0}, 2);
        assertEquals((0.3 + 0.7 + 1) * 0.25 * Math.log(2) / 2, soft.loss(), 1e-15);
    }

    @Test
    void focalLossGradientAndTangentsMatchCentralDifferences() {
        Random random = new Random(5);
        int rows = 3;
        double[] z = random.doubles(12, -3, 3).toArray();
        double[] y = random.doubles(12, 0, 1).toArray();
        for (double gamma : new double[] {0, 0.5, 2, 3}) {
            ProbabilityFocalLoss focal = new ProbabilityFocalLoss(gamma);
            ProbabilityFocalLoss.Result r = focal.evaluate(z, y, rows);
            assertArrayEquals(centralDifferences(logits -> focal.evaluate(logits, y, rows).loss(), z), r.gradLogits(), 1e-8);
            // D_ż ℓ_bc against (ℓ(z + hż) − ℓ(z − hż))/2h, element by element
            double[] direction = random.doubles(12, -1, 1).toArray();
            double[] tangents = focal.termTangents(r.probabilities(), direction, rows);
            double h = 1e-6;
            double[] plus = focal.evaluate(add(z, direction, h), y, rows).terms();
            double[] minus = focal.evaluate(add(z, direction, -h), y, rows).terms();
            for (int i = 0; i < z.length; i++) {
                assertEquals((plus[i] - minus[i]) / (2 * h), tangents[i], 1e-7, "γ " + gamma + " element " + i);
            }
        }
    }

    @Test
    void aProbabilityThatUnderflowsGivesNoInfinity() {
        ProbabilityFocalLoss focal = new ProbabilityFocalLoss(2);
        ProbabilityFocalLoss.Result r = focal.evaluate(new double[] {800, -800}, new double[] {0.5, 0.5}, 1);
        for (double g : r.gradLogits()) {
            assertTrue(Double.isFinite(g));
        }
        // ℓ(0) = −log(1e-20): the seed's guard
        assertEquals(0.5 * -Math.log(1e-20), r.loss(), 1e-9);
    }

    @Test
    void entropyTermAgainstItsClosedForm() {
        // two rows, mean distribution (0.25, 0.75, 0): Σ p̄ log p̄
        double[] t = {0.5, 0.5, 0, 0, 1, 0};
        assertEquals(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75), LabelEntropy.value(t, 2), 1e-15);
        // ∂/∂t_bc = (log p̄_c + 1)/B for p̄_c > 0
        double[] g = LabelEntropy.gradient(t, 2);
        assertEquals((Math.log(0.25) + 1) / 2, g[0], 1e-15);
        assertEquals((Math.log(0.75) + 1) / 2, g[4], 1e-15);
        Random random = new Random(9);
        double[] soft = random.doubles(12, 0.05, 1).toArray();
        assertArrayEquals(centralDifferences(x -> LabelEntropy.value(x, 3), soft), LabelEntropy.gradient(soft, 3), 1e-8);
    }

    @Test
    void psiBlocksAndErrors() {
        Psi psi = new Psi(List.of(3, 1, 4));
        assertEquals(3, psi.primaryClasses());
        assertEquals(8, psi.auxiliaryClasses());
        assertEquals(4, psi.start(2));
        assertTrue(psi.owns(1, 3));
        assertThrows(IllegalArgumentException.class, () -> new Psi(List.of(3)));
        var e = assertThrows(IllegalArgumentException.class, () -> new Psi(List.of(3, 0)));
        assertTrue(e.getMessage().contains("psi[1]"));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] add(double[] x, double[] d, double h) {
        double[] out = x.clone();
        for (int i = 0; i < x.length; i++) {
            out[i] += h * d[i];
        }
        return out;
    }

    static double[] centralDifferences(Function<double[], Double> f, double[] x) {
        double h = 1e-6;
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[i] += h;
            minus[i] -= h;
            out[i] = (f.apply(plus) - f.apply(minus)) / (2 * h);
        }
        return out;
    }
}
