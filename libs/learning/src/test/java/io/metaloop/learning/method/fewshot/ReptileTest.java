package io.metaloop.learning.method.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.metaloop.learning.optim.Adam;
import io.metaloop.learning.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reptile's inner loop and meta-step on quadratic tasks L_t(θ) = ½‖θ − t‖², whose SGD inner loop has
 * the closed form θ′ = t + (1 − β)^k (θ − t).
 */
class ReptileTest {
    private static INDArray vector(double... values) {
        return Nd4j.createFromArray(values);
    }

    private static INDArray adaptTo(INDArray target, INDArray theta, int steps, double rate) {
        return Reptile.adapt(p -> p.sub(target), theta, steps, Sgd.plain(theta), rate);
    }

    @Test
    void sgdInnerLoopIsTheClosedForm() {
        INDArray theta = vector(1, -2);
        INDArray target = vector(3, 2);
        // β = 0.25, k = 3: (1 − β)³ = 0.421875, θ′ = t + 0.421875·(θ − t) = (3 − 0.84375, 2 − 1.6875)
        assertArrayEquals(new double[] {2.15625, 0.3125}, adaptTo(target, theta, 3, 0.25).toDoubleVector(), 1e-12);
        assertArrayEquals(new double[] {1, -2}, theta.toDoubleVector(), 0, "θ is left as it was");
    }

    @Test
    void theMetaStepMovesTowardsTheMeanAdaptedWeights() {
        // two tasks; ε = 0.5; θ ← θ + ε·(mean θ′ − θ) = θ − ε·mean(θ − θ′), the outer SGD step on the meta-gradient
        INDArray theta = vector(0, 0);
        INDArray a = adaptTo(vector(2, 0), theta, 1, 0.5);   // (1, 0)
        INDArray b = adaptTo(vector(0, 4), theta, 1, 0.5);   // (0, 2)
        INDArray metaGradient = theta.sub(a).addi(theta.sub(b)).divi(2);   // (−0.5, −1)
        Sgd.plain(theta).step(theta, metaGradient, 0.5);
        assertArrayEquals(new double[] {0.25, 0.5}, theta.toDoubleVector(), 1e-12);
    }

    @Test
    void adamWithoutFirstMomentTakesSignSizedFirstSteps() {
        // Nichol's inner Adam (β1 = 0): the first step is −η·g/(|g| + ε') with bias correction, i.e. −η·sign(g)
        INDArray theta = vector(1, -3);
        INDArray target = vector(0, 0);
        INDArray adapted = Reptile.adapt(p -> p.sub(target), theta, 1, new Adam(theta, 0, 0.999, 1e-8, 0), 0.1);
        assertArrayEquals(new double[] {0.9, -2.9}, adapted.toDoubleVector(), 1e-6);
    }
}
