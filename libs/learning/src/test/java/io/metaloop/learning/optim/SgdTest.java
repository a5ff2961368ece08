package io.metaloop.learning.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** SGD's variants against the closed forms of their recurrences. */
class SgdTest {
    private static final double LR = 0.1;

    @Test
    void plainSgdOnAQuadraticContractsGeometrically() {
        // f(x) = ½ Σ a_i x_i², gradient a ⊙ x: x_t = x_0 (1 − η a)^t
        double[] a = {0.5, 2.0, 9.0};
        double[] x0 = {1.0, -3.0, 0.25};
        INDArray curvature = Nd4j.create(a);
        INDArray x = Nd4j.create(x0);
        Sgd sgd = Sgd.plain(x);
        for (int t = 0; t < 25; t++) {
            sgd.step(x, x.mul(curvature), LR);
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(x0[i] * Math.pow(1 - LR * a[i], 25), x.getDouble(i), 1e-12);
        }
        assertEquals(25, sgd.steps());
    }

    @Test
    void heavyBallMomentumUnderAConstantGradient() {
        // g = c for ever: v_k = c (1 − μ^k)/(1 − μ), so p_t = p_0 − η c Σ_{k=1..t} (1 − μ^k)/(1 − μ)
        double mu = 0.9;
        double c = 2.0;
        INDArray p = Nd4j.create(new double[] {5.0});
        Sgd sgd = new Sgd(p, mu, false, 0);
        double expected = 5.0;
        for (int k = 1; k <= 30; k++) {
            sgd.step(p, Nd4j.create(new double[] {c}), LR);
            expected -= LR * c * (1 - Math.pow(mu, k)) / (1 - mu);
            assertEquals(expected, p.getDouble(0), 1e-12, "step " + k);
        }
    }

    @Test
    void nesterovLooksAheadByMomentumTimesVelocity() {
        // constant g = c: each update is c + μ v_k = c (1 + μ (1 − μ^k)/(1 − μ))
        double mu = 0.5;
        double c = -1.5;
        INDArray p = Nd4j.create(new double[] {0.0});
        Sgd sgd = new Sgd(p, mu, true, 0);
        double expected = 0.0;
        for (int k = 1; k <= 20; k++) {
            sgd.step(p, Nd4j.create(new double[] {c}), LR);
            expected -= LR * c * (1 + mu * (1 - Math.pow(mu, k)) / (1 - mu));
            assertEquals(expected, p.getDouble(0), 1e-12, "step " + k);
        }
    }

    @Test
    void weightDecayAloneShrinksParametersGeometrically() {
        // zero loss gradient: p_t = p_0 (1 − η λ)^t
        INDArray p = Nd4j.create(new double[] {4.0, -1.0});
        Sgd sgd = new Sgd(p, 0, false, 5e-4);
        INDArray zero = Nd4j.zeros(p.dataType(), 2);
        for (int t = 0; t < 100; t++) {
            sgd.step(p, zero, LR);
        }
        double factor = Math.pow(1 - LR * 5e-4, 100);
        assertArrayEquals(new double[] {4.0 * factor, -1.0 * factor}, p.toDoubleVector(), 1e-12);
        assertArrayEquals(new double[] {0, 0}, zero.toDoubleVector(), 0.0, "the gradient is not modified");
    }

    @Test
    void restoredStateContinuesExactlyAsIfUninterrupted() {
        INDArray c = Nd4j.create(new double[] {1.0, -2.0, 3.0});
        INDArray straight = Nd4j.zeros(c.dataType(), 3);
        Sgd a = new Sgd(straight, 0.9, true, 1e-3);
        for (int t = 0; t < 10; t++) {
            a.step(straight, straight.sub(c), LR);
        }
        INDArray resumed = Nd4j.zeros(c.dataType(), 3);
        Sgd b = new Sgd(resumed, 0.9, true, 1e-3);
        for (int t = 0; t < 4; t++) {
            b.step(resumed, resumed.sub(c), LR);
        }
        List<INDArray> saved = b.state().stream().map(INDArray::dup).toList();
        INDArray savedParams = resumed.dup();
        Sgd restarted = new Sgd(savedParams, 0.9, true, 1e-3);
        restarted.restore(saved, b.steps());
        for (int t = 4; t < 10; t++) {
            restarted.step(savedParams, savedParams.sub(c), LR);
        }
        assertArrayEquals(straight.toDoubleVector(), savedParams.toDoubleVector(), 0.0);
    }

    @Test
    void nesterovWithoutMomentumIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Sgd(Nd4j.zeros(1), 0, true, 0));
    }
}
