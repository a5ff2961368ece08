package io.metaloop.learning.method.fewshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The inner loop's meta-gradient against closed forms on one parameter: support loss ½aθ², query
 * loss ½b(θ′ − c)², so every inner step multiplies θ by a constant and the meta-gradient is a
 * product of such constants, worked out by hand in each test.
 */
class InnerLoopTest {
    private static final double A = 2;
    private static final double B = 1;
    private static final double C = 0;

    /** ∇L_s = aθ, H = a, ∇L_q = b(θ − c). */
    private static final InnerLoop.Task QUADRATIC = new InnerLoop.Task() {
        @Override
        public INDArray supportGradient(INDArray theta, int step) {
            return theta.mul(A);
        }

        @Override
        public INDArray supportHessianVector(INDArray theta, INDArray v) {
            return v.mul(A);
        }

        @Override
        public double query(INDArray theta, INDArray gradient) {
            double t = theta.getDouble(0);
            gradient.putScalar(0, B * (t - C));
            return 0.5 * B * (t - C) * (t - C);
        }
    };

    private static INDArray scalar(double value) {
        return Nd4j.createFromArray(value).reshape(1).castTo(DataType.DOUBLE);
    }

    private static InnerLoop.Rule rule(double alpha, double momentum, double weightDecay) {
        return new InnerLoop.Rule(scalar(alpha), momentum, weightDecay);
    }

    private static double metaGradient(int steps, InnerLoop.Rule rule, boolean secondOrder) {
        return new InnerLoop().metaGradient(QUADRATIC, scalar(1), steps, rule, secondOrder, false).theta().getDouble(0);
    }

    @Test
    void oneStepGivesTheIssuesFigures() {
        // θ′ = θ − αaθ = 0.8; second order: (1 − αa)·b·θ′ = 0.8 · 0.8 = 0.64; first order: b·θ′ = 0.8
        assertEquals(0.64, metaGradient(1, rule(0.1, 0, 0), true), 1e-15);
        assertEquals(0.80, metaGradient(1, rule(0.1, 0, 0), false), 1e-15);
    }

    @Test
    void twoStepsGiveTheIssuesFigures() {
        // θ″ = 0.64; second order (1 − αa)²·θ″ = 0.4096; first order θ″ = 0.64
        assertEquals(0.4096, metaGradient(2, rule(0.1, 0, 0), true), 1e-15);
        assertEquals(0.64, metaGradient(2, rule(0.1, 0, 0), false), 1e-15);
    }

    @Test
    void momentumAndWeightDecayAreDifferentiatedThrough() {
        // α 0.1, μ 0.9, λ 0.1, so a + λ = 2.1:
        //   θ₁ = θ₀ − α(a+λ)θ₀ = 0.79 θ₀,   b₀ = (a+λ)θ₀
        //   θ₂ = θ₁ − α((a+λ)θ₁ + μ b₀) = (0.79² − 0.1·0.9·2.1) θ₀ = 0.4351 θ₀
        // second order: dθ₂/dθ₀ · b·θ₂ = 0.4351²
        assertEquals(0.4351 * 0.4351, metaGradient(2, rule(0.1, 0.9, 0.1), true), 1e-15);
        // first order: the support gradients are constants but λθ stays in the graph:
        //   dθ₁/dθ₀ = 1 − αλ = 0.99,  db₀/dθ₀ = λ,  dθ₂/dθ₀ = 0.99·0.99 − αμλ = 0.9711
        assertEquals(0.4351 * 0.9711, metaGradient(2, rule(0.1, 0.9, 0.1), false), 1e-15);
        // momentum alone changes nothing to first order (no λθ term to differentiate)
        assertEquals(new InnerLoop().adapt(QUADRATIC, scalar(1), 2, rule(0.1, 0.9, 0)).getDouble(0),
                metaGradient(2, rule(0.1, 0.9, 0), false), 1e-15);
    }

    @Test
    void theAdaptedParameterIsTheClosedForm() {
        // (1 − αa)³ = 0.512
        assertEquals(0.512, new InnerLoop().adapt(QUADRATIC, scalar(1), 3, rule(0.1, 0, 0)).getDouble(0), 1e-15);
    }

    @Test
    void theLearnedRateGetsItsDerivative() {
        // one step: θ₁ = θ₀(1 − αa), L = ½bθ₁², dL/dα = bθ₁ · (−aθ₀) = 0.8 · (−2) = −1.6
        InnerLoop.MetaGradient g = new InnerLoop().metaGradient(QUADRATIC, scalar(1), 1, rule(0.1, 0, 0), true, true);
        assertEquals(-1.6, g.rates().getDouble(0), 1e-15);
        // two steps: θ₂ = (1 − αa)², dL/dα = bθ₂ · 2(1 − αa)(−a) = 0.64 · 2 · 0.8 · (−2) = −2.048
        g = new InnerLoop().metaGradient(QUADRATIC, scalar(1), 2, rule(0.1, 0, 0), true, true);
        assertEquals(-2.048, g.rates().getDouble(0), 1e-15);
    }
}
