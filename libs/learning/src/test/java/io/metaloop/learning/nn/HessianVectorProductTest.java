package io.metaloop.learning.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.learning.backbone.Backbone;
import io.metaloop.learning.backbone.Conv4;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link HessianVectorProduct} against closed forms, with tolerances taken from the error bound in
 * its class comment: for a step r along v̂ = v/‖v‖,
 * <pre>
 *   ‖computed − H·v‖ / ‖v‖ ≤ r²·M₄/6 + G·ε·(‖∇L‖ + ‖H‖·(‖θ‖ + r)/2) / r,
 * </pre>
 * M₄ a bound on the third derivative of the gradient along v̂ (truncation of the central
 * difference), ε the machine epsilon, G the growth of rounding error through one gradient
 * evaluation, and r = ε^(1/3)·(1 + ‖θ‖).
 */
class HessianVectorProductTest {
    private static final int IN = 4;
    private static final int OUT = 3;
    private static final int BATCH = 5;
    /**
     * Rounding growth of one gradient of the linear softmax model: each component passes through
     * sums of at most max(IN + 1, BATCH, OUT) = 5 terms in the forward and the backward pass plus
     * exp, log and a division, so well under 20 roundings of relative size ε.
     */
    private static final double GROWTH = 20;

    // ---- a. linear layer + softmax cross-entropy against the closed form ----

    @Test
    void linearSoftmaxCrossEntropyMatchesTheClosedFormInDouble() {
        // r ≈ 6e-6·(1 + ‖θ‖) ≈ 1.3e-5: truncation ~1e-10·‖v‖, rounding ~1e-9·‖v‖; the bound must
        // come out below 1e-6 of ‖H·v‖ (it is ~8e-9; the error seen is ~4e-11, i.e. ~ε^(2/3))
        assertLinearSoftmaxClosedForm(DataType.DOUBLE, 1e-6);
    }

    @Test
    void linearSoftmaxCrossEntropyMatchesTheClosedFormInFloat() {
        // r ≈ 4.9e-3·(1 + ‖θ‖) ≈ 1.1e-2: truncation ~1e-4·‖v‖, rounding ~7e-4·‖v‖; the bound must stay
        // below 1e-2 of ‖H·v‖ (it is ~5e-3; the error seen is ~2e-5). With the double step the
        // rounding term alone would be ~1e-2·‖v‖, and the error seen then is ~1.4e-2 of ‖H·v‖.
        assertLinearSoftmaxClosedForm(DataType.FLOAT, 1e-2);
    }

    /**
     * Softmax cross-entropy is the batch mean (see {@link SoftmaxCrossEntropy}), Linear computes
     * z = x·W + b with W stored [in, out] (flat index i·OUT + k, then the bias). With p_n the
     * softmax of z_n, S_n = diag(p_n) − p_n·p_nᵀ, and the direction split into (V, b_v):
     * dz_n = x_n·V + b_v, (H·v)_W[i][k] = (1/N) Σ_n x_n[i]·(S_n·dz_n)[k], (H·v)_b = (1/N) Σ_n S_n·dz_n.
     */
    private static void assertLinearSoftmaxClosedForm(DataType type, double largestUsefulBound) {
        Random random = new Random(17);
        Network net = new Network(new Linear(IN, OUT), new long[] {IN}, type, 3);
        double[][] x = new double[BATCH][IN];
        for (double[] row : x) {
            for (int i = 0; i < IN; i++) {
                row[i] = (float) (2 * random.nextDouble() - 1); // float-exact: both precisions see the same inputs
            }
        }
        int[] labels = {0, 2, 1, 1, 2};
        INDArray input = Nd4j.create(x);
        HessianVectorProduct.GradientFunction gradient = n ->
                n.backward(SoftmaxCrossEntropy.evaluate(n.forward(input, Mode.TRAIN), labels).gradLogits());
        // not a unit vector, so a missing ‖v‖ factor shows
        double[] v = new double[(int) net.numParams()];
        for (int j = 0; j < v.length; j++) {
            v[j] = 2.5 * random.nextGaussian();
        }

        double[] computed = new HessianVectorProduct(net, gradient).apply(Nd4j.createFromArray(v)).toDoubleVector();

        double[] theta = net.params().toDoubleVector();
        double[] exact = new double[theta.length];
        double vNorm = norm(v);
        double m4 = 0; // bound on the third derivative of the gradient along v̂, see below
        double maxInputNorm = 0; // max_n ‖(x_n, 1)‖
        for (int n = 0; n < BATCH; n++) {
            double[] z = new double[OUT];
            double[] dz = new double[OUT];
            for (int k = 0; k < OUT; k++) {
                z[k] = theta[IN * OUT + k];
                dz[k] = v[IN * OUT + k];
                for (int i = 0; i < IN; i++) {
                    z[k] += x[n][i] * theta[i * OUT + k];
                    dz[k] += x[n][i] * v[i * OUT + k];
                }
            }
            double max = Arrays.stream(z).max().orElseThrow();
            double[] p = new double[OUT];
            double total = 0;
            for (int k = 0; k < OUT; k++) {
                p[k] = Math.exp(z[k] - max);
                total += p[k];
            }
            double meanDz = 0;
            for (int k = 0; k < OUT; k++) {
                p[k] /= total;
                meanDz += p[k] * dz[k];
            }
            for (int k = 0; k < OUT; k++) {
                double sDz = p[k] * (dz[k] - meanDz); // (diag(p) − p·pᵀ)·dz
                exact[IN * OUT + k] += sDz / BATCH;
                for (int i = 0; i < IN; i++) {
                    exact[i * OUT + k] += x[n][i] * sDz / BATCH;
                }
            }
            // The loss's fourth derivative along (v̂, v̂, v̂, w) is the mean over n of the joint
            // cumulant κ(A, A, A, B) of A = a[K], B = b[K] with K ~ p_n, a = dz_n/‖v‖, b the
            // logit change along a unit w. Centred, κ = E[A³B] − 3·E[A²]·E[AB], so
            // |κ| ≤ 4·range(a)³·range(b), whatever p_n, i.e. anywhere on the step; and
            // range(b) ≤ 2·‖(x_n, 1)‖ since each |b[k]| ≤ ‖(x_n, 1)‖ by Cauchy–Schwarz.
            double range = (Arrays.stream(dz).max().orElseThrow() - Arrays.stream(dz).min().orElseThrow()) / vNorm;
            double inputNorm = Math.sqrt(1 + Arrays.stream(x[n]).map(t -> t * t).sum());
            m4 += 8 * range * range * range * inputNorm / BATCH;
            maxInputNorm = Math.max(maxInputNorm, inputNorm);
        }

        double eps = type == DataType.DOUBLE ? Math.ulp(1.0) : Math.ulp(1.0f);
        double thetaNorm = norm(theta);
        double r = Math.cbrt(eps) * (1 + thetaNorm);
        // ‖∇L‖ ≤ max ‖p_n − e_y‖·‖(x_n, 1)‖ ≤ √2·max‖(x_n, 1)‖; ‖H‖ ≤ max ‖S_n‖·‖(x_n, 1)‖² ≤ max‖(x_n, 1)‖²/2
        double gradNorm = Math.sqrt(2) * maxInputNorm;
        double hessianNorm = maxInputNorm * maxInputNorm / 2;
        double truncation = r * r * m4 / 6;
        double rounding = GROWTH * eps * (gradNorm + hessianNorm * (thetaNorm + r) / 2) / r;
        double bound = (truncation + rounding) * vNorm;

        double error = norm(difference(computed, exact));
        double exactNorm = norm(exact);
        String numbers = type + ": error " + error + ", bound " + bound + " (truncation " + truncation * vNorm
                + ", rounding " + rounding * vNorm + "), ‖H·v‖ " + exactNorm;
        assertTrue(bound < largestUsefulBound * exactNorm, "bound too loose to test anything: " + numbers);
        assertTrue(error <= bound, numbers);
    }

    // ---- b. a quadratic loss: the gradient is A·θ, H = A exactly ----

    @Test
    void quadraticLossGivesItsMatrixTimesTheDirectionToRoundingInDouble() {
        assertQuadratic(DataType.DOUBLE);
    }

    @Test
    void quadraticLossGivesItsMatrixTimesTheDirectionToRoundingInFloat() {
        assertQuadratic(DataType.FLOAT);
    }

    /**
     * With ∇L(θ) = A·θ the central difference has no truncation error; what is left is rounding:
     * the two rounded ends of the step are off by ε·(‖θ‖ + r) in all, and each A·θ± by
     * n·ε·‖A‖_F·(‖θ‖ + r); divided by 2r with r = ε^(1/3)·(1 + ‖θ‖), where (‖θ‖ + r)/r ≤ ε^(-1/3) + 1,
     * the error is at most (n + 1)·(ε^(2/3) + ε)·‖A‖_F·‖v‖, plus a few ε·‖A‖_F·‖v‖ for rounding the
     * step and the result: bound (n + 2)·(ε^(2/3) + ε)·‖A‖_F·‖v‖, about 3.7e-10·‖A‖_F·‖v‖ in double.
     */
    private static void assertQuadratic(DataType type) {
        Random random = new Random(23);
        Network net = new Network(new Linear(3, 2), new long[] {3}, type, 1);
        int n = (int) net.numParams(); // 3·2 weights + 2 biases = 8
        // parameters of size ~2, so rounding the ends of the step matters
        for (int j = 0; j < n; j++) {
            net.params().putScalar(j, 2 * random.nextGaussian());
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = (float) random.nextGaussian();
                a[j][i] = a[i][j];
            }
        }
        INDArray matrix = Nd4j.create(a).castTo(type);
        HessianVectorProduct.GradientFunction gradient =
                net2 -> net2.gradients().assign(matrix.mmul(net2.params().reshape(n, 1)).reshape(n));
        double[] v = new double[n];
        for (int j = 0; j < n; j++) {
            v[j] = 0.5 * random.nextGaussian();
        }

        double[] computed = new HessianVectorProduct(net, gradient).apply(Nd4j.createFromArray(v)).toDoubleVector();

        double[] av = new double[n];
        double frobenius = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                av[i] += a[i][j] * v[j];
                frobenius += a[i][j] * a[i][j];
            }
        }
        double eps = type == DataType.DOUBLE ? Math.ulp(1.0) : Math.ulp(1.0f);
        double bound = (n + 2) * (Math.pow(eps, 2.0 / 3) + eps) * Math.sqrt(frobenius) * norm(v);
        double error = norm(difference(computed, av));
        assertTrue(error <= bound, type + ": error " + error + ", bound " + bound + ", ‖A·v‖ " + norm(av));
    }

    // ---- c. the network is left as it was ----

    @Test
    void parametersBuffersAndGradientsAreBitIdenticalAfterwardsAndTheStepIsRelativeToTheParameters() {
        Network net = floatConv4Classifier();
        INDArray x = GradientCheck.images(new Random(31), 4, 2, 8, 0, 1);
        int[] labels = {0, 2, 1, 2};
        List<double[]> seen = new ArrayList<>();
        HessianVectorProduct.GradientFunction gradient = n -> {
            seen.add(n.params().toDoubleVector());
            n.backward(SoftmaxCrossEntropy.evaluate(n.forward(x, Mode.TRAIN), labels).gradLogits());
        };
        // a TRAIN forward moves the running statistics, so restoring them is not vacuous
        double[] initialBuffers = net.buffers().toDoubleVector();
        gradient.computeGradient(net);
        assertFalse(Arrays.equals(initialBuffers, net.buffers().toDoubleVector()));
        seen.clear();
        double[] params = net.params().toDoubleVector();
        double[] buffers = net.buffers().toDoubleVector();
        double[] grads = net.gradients().toDoubleVector();
        INDArray v = gaussian(new Random(37), net.numParams(), DataType.FLOAT);

        new HessianVectorProduct(net, gradient).apply(v);

        // float → double is exact and Arrays.equals compares bit patterns
        assertTrue(Arrays.equals(params, net.params().toDoubleVector()), "parameters changed");
        assertTrue(Arrays.equals(buffers, net.buffers().toDoubleVector()), "buffers changed");
        assertTrue(Arrays.equals(grads, net.gradients().toDoubleVector()), "gradients changed");
        // the gradients were taken at θ ± r·v̂ with r = ε_float^(1/3)·(1 + ‖θ‖); rounding the ends
        // moves each by ≤ ε/2·(‖θ‖ + r), relative to r at most ε^(2/3)/2 ≈ 1.2e-5
        assertEquals(2, seen.size());
        double r = Math.cbrt(Math.ulp(1.0f)) * (1 + norm(params));
        double[] plus = difference(seen.get(0), params);
        double[] minus = difference(seen.get(1), params);
        assertEquals(r, norm(plus), 1e-4 * r);
        assertEquals(r, norm(minus), 1e-4 * r);
        double[] vHat = v.castTo(DataType.DOUBLE).div(v.castTo(DataType.DOUBLE).norm2Number()).toDoubleVector();
        assertArrayEquals(scaled(vHat, r), plus, 1e-4 * r);
        assertArrayEquals(scaled(vHat, -r), minus, 1e-4 * r);
    }

    @Test
    void aFailingGradientLeavesTheNetworkAsItWas() {
        Network net = floatConv4Classifier();
        double[] params = net.params().toDoubleVector();
        double[] buffers = net.buffers().toDoubleVector();
        double[] grads = net.gradients().toDoubleVector();
        IllegalStateException failure = new IllegalStateException("out of data");
        HessianVectorProduct.GradientFunction gradient = n -> {
            n.buffers().addi(1);
            n.gradients().addi(1);
            throw failure;
        };
        INDArray v = Nd4j.ones(DataType.FLOAT, net.numParams());
        assertSame(failure, assertThrows(IllegalStateException.class, () -> new HessianVectorProduct(net, gradient).apply(v)));
        assertTrue(Arrays.equals(params, net.params().toDoubleVector()), "parameters changed");
        assertTrue(Arrays.equals(buffers, net.buffers().toDoubleVector()), "buffers changed");
        assertTrue(Arrays.equals(grads, net.gradients().toDoubleVector()), "gradients changed");
    }

    // ---- d. symmetry of the Hessian on a conv network, no closed form needed ----

    /**
     * uᵀ(H·v) = vᵀ(H·u) because H is symmetric (the train-mode loss is twice differentiable
     * wherever no ReLU input sits within ±r of zero). Each side errs by about ε^(2/3) ≈ 3.7e-11
     * relative in double, times the growth of rounding through the backward pass and the ratio of
     * the true M₄, C to their assumed scale; 1e-9 leaves a factor of ~30 for those (the difference
     * seen is ~5e-12 of the scale). A missing ‖v‖ factor (u and v have different norms) fails it
     * by O(1), and so does leaving θ at θ − r·v̂ between the two products (seen: 1e-6 of the scale).
     */
    @Test
    void hessianIsSymmetricOnAConv4NetworkInDouble() {
        Network net = GradientCheck.classifier(Conv4.create(2, new int[] {2, 3, 4, 5}), 2, 8, 3, 5);
        Random random = new Random(41);
        INDArray x = GradientCheck.images(random, 4, 2, 8, 0, 1);
        int[] labels = {1, 0, 2, 2};
        HessianVectorProduct hvp = new HessianVectorProduct(net,
                n -> n.backward(SoftmaxCrossEntropy.evaluate(n.forward(x, Mode.TRAIN), labels).gradLogits()));
        INDArray u = gaussian(random, net.numParams(), DataType.DOUBLE);
        INDArray v = gaussian(random, net.numParams(), DataType.DOUBLE).muli(3);

        INDArray hv = hvp.apply(v);
        INDArray hu = hvp.apply(u);

        double uHv = u.mul(hv).sumNumber().doubleValue();
        double vHu = v.mul(hu).sumNumber().doubleValue();
        double scale = u.norm2Number().doubleValue() * hv.norm2Number().doubleValue()
                + v.norm2Number().doubleValue() * hu.norm2Number().doubleValue();
        double tolerance = 1e-9 * scale;
        String numbers = "uᵀHv " + uHv + ", vᵀHu " + vHu + ", tolerance " + tolerance;
        assertTrue(Math.abs(uHv) > 1000 * tolerance, "products too small to test symmetry: " + numbers);
        assertTrue(Math.abs(uHv - vHu) <= tolerance, numbers);
    }

    private static Network floatConv4Classifier() {
        Backbone backbone = Conv4.create(2, new int[] {2, 3, 4, 5});
        Sequential layers = new Sequential(List.of(backbone.layer(), new Linear(backbone.featureSize(), 3)));
        return new Network(layers, new long[] {2, 8, 8}, DataType.FLOAT, 7);
    }

    private static INDArray gaussian(Random random, long length, DataType type) {
        double[] values = new double[(int) length];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian();
        }
        return Nd4j.createFromArray(values).castTo(type);
    }

    private static double norm(double[] a) {
        double sum = 0;
        for (double t : a) {
            sum += t * t;
        }
        return Math.sqrt(sum);
    }

    private static double[] difference(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }

    private static double[] scaled(double[] a, double factor) {
        return Arrays.stream(a).map(t -> t * factor).toArray();
    }
}
