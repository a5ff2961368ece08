package io.metaloop.learning.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hessian-vector products H·v of a network's loss by central differences of gradients. Second-order
 * MAML uses exact ones (the layers' forward-mode derivatives, {@link Network#forwardTangent}); this
 * class remains as an independent check of them, and for losses without forward-mode derivatives.
 *
 * <p>ND4J cannot differentiate through the hand-written backward passes, so H·v is the central
 * difference of two gradients along v (Pearlmutter's identity H·v = d/dt ∇L(θ + t·v) at t = 0):
 * <pre>
 *   H·v ≈ ‖v‖ · (∇L(θ + r·v̂) − ∇L(θ − r·v̂)) / (2r),   v̂ = v / ‖v‖.
 * </pre>
 * Stepping along the unit vector v̂ makes the step length r independent of how v is scaled.
 *
 * <h2>Error bound and step</h2>
 * Let g(t) = ∇L(θ + t·v̂), so g'(0) = H·v̂. Taylor's theorem gives
 * (g(r) − g(−r)) / (2r) = g'(0) + r²/6 · g'''(ξ): the truncation error is at most r²·M₄/6,
 * where M₄ bounds the third directional derivative of the <em>gradient</em> along v̂, i.e. a
 * fourth derivative of the loss, ∇⁴L[v̂, v̂, v̂, ·] (the O(r) term cancels, unlike a one-sided
 * difference, whose error is r·‖∇³L‖/2). Rounding adds two terms. Each gradient is computed with
 * absolute error about ε·‖∇L‖ (ε the machine epsilon of the network's data type, times the
 * backward pass's modest growth factor). And θ ± r·v̂ is rounded to the data type, which moves
 * each end of the step by up to ε/2·(‖θ‖ + r); the gradient turns that into ‖H‖·ε/2·(‖θ‖ + r).
 * The two gradients' errors differ by up to 2ε·‖∇L‖, the two rounded ends by ‖H‖·ε·(‖θ‖ + r);
 * dividing by 2r, and scaling everything by ‖v‖:
 * <pre>
 *   ‖computed − H·v‖ / ‖v‖  ≲  r²·M₄/6  +  ε·(‖∇L‖ + ‖H‖·(‖θ‖ + r)/2) / r  =: E(r).
 * </pre>
 * E(r) ≈ a·r² + b/r is smallest at r* = (b / 2a)^(1/3) = (3ε·C / M₄)^(1/3), with
 * C = ‖∇L‖ + ‖H‖·‖θ‖/2, where E(r*) = r*²·M₄/2 ∝ ε^(2/3). M₄ and C are not known without more
 * gradient evaluations, so the step assumes the loss's curvature changes on the scale of the parameters themselves,
 * ℓ = 1 + ‖θ‖ (then C ~ ‖H‖·ℓ and M₄ ~ ‖H‖/ℓ²; the 1 keeps the step sensible at θ ≈ 0):
 * <pre>
 *   r = ε^(1/3) · (1 + ‖θ‖₂),   relative error ~ ε^(2/3).
 * </pre>
 * Double: ε = 2⁻⁵² ≈ 2.2e-16, ε^(1/3) ≈ 6.1e-6, ε^(2/3) ≈ 3.7e-11. Float: ε = 2⁻²³ ≈ 1.2e-7,
 * ε^(1/3) ≈ 4.9e-3, ε^(2/3) ≈ 2.4e-5 (the tests see ~2e-5 relative on a linear model in float,
 * ~4e-11 in double; longer backward passes add their summations' rounding). {@link #apply(INDArray, double)} takes
 * another step where the caller knows better.
 *
 * <p>With piecewise-linear layers (ReLU, max pooling) the Hessian exists almost everywhere; a
 * unit whose pre-activation crosses zero within ±r contributes the jump of its gradient to the
 * difference, a bias that vanishes as r does.
 *
 * <h2>The network is left as it was</h2>
 * The perturbed parameters are written into the live {@link Network#params()} (layers hold views
 * into it) and put back from a copy, so they are bit-identical afterwards; both ends of the step
 * are computed from that copy, θ ± r·v̂ rounded once each. A {@link Mode#TRAIN} forward also
 * updates BatchNorm's running statistics, so {@link Network#buffers()} is saved and restored too
 * (and reset before each gradient, so both see the same buffers), as is
 * {@link Network#gradients()}. Only the layers' forward caches keep traces of the call. All this
 * holds also when the gradient function throws.
 */
public final class HessianVectorProduct {

    /** The loss gradient at the network's current parameters. */
    @FunctionalInterface
    public interface GradientFunction {
        /**
         * Runs forward and backward on a fixed batch, leaving ∇L in {@code network.gradients()}.
         * It must compute the same function of the parameters each time: same batch, same mode,
         * no dropout.
         */
        void computeGradient(Network network);
    }

    private final Network network;
    private final GradientFunction gradient;

    public HessianVectorProduct(Network network, GradientFunction gradient) {
        this.network = network;
        this.gradient = gradient;
    }

    /** The step ε^(1/3)·(1 + ‖θ‖) for a network of this data type and parameter norm (see the class comment). */
    public static double defaultStep(DataType dataType, double paramNorm) {
        double eps = switch (dataType) {
            case DOUBLE -> Math.ulp(1.0);
            case FLOAT -> Math.ulp(1.0f);
            default -> throw new IllegalArgumentException("Hessian-vector products need a float or double network, not " + dataType);
        };
        return Math.cbrt(eps) * (1 + paramNorm);
    }

    /** H·v with the default step for the network's data type and current parameters. */
    public INDArray apply(INDArray v) {
        return apply(v, defaultStep(network.dataType(), network.params().norm2Number().doubleValue()));
    }

    /**
     * H·v from gradients at θ ± step·v/‖v‖.
     *
     * @param v     a vector with as many elements as {@link Network#params()}, any floating type
     * @param step  the length r of the step in parameter space
     * @return a new vector of the network's data type, laid out like {@link Network#params()}
     */
    public INDArray apply(INDArray v, double step) {
        INDArray params = network.params();
        long n = params.length();
        if (v.length() != n) {
            throw new IllegalArgumentException("direction has " + v.length() + " elements, the network " + n + " parameters");
        }
        if (!(step > 0) || Double.isInfinite(step)) {
            throw new IllegalArgumentException("step must be positive and finite, got " + step);
        }
        DataType type = network.dataType();
        INDArray direction = v.castTo(DataType.DOUBLE).reshape(n);
        double vNorm = direction.norm2Number().doubleValue();
        if (vNorm == 0) {
            return Nd4j.zeros(type, n);
        }
        // r·v̂ in double, rounded once to the network's type
        INDArray displacement = direction.mul(step / vNorm).castTo(type);

        INDArray buffers = network.buffers();
        INDArray grads = network.gradients();
        INDArray savedParams = params.dup();
        INDArray savedBuffers = buffers.dup();
        INDArray savedGrads = grads.dup();
        try {
            params.assign(savedParams).addi(displacement);
            buffers.assign(savedBuffers);
            gradient.computeGradient(network);
            INDArray plus = grads.dup();

            params.assign(savedParams).subi(displacement);
            buffers.assign(savedBuffers);
            gradient.computeGradient(network);
            INDArray minus = grads.dup();

            return plus.subi(minus).muli(vNorm / (2 * step));
        } finally {
            params.assign(savedParams);
            buffers.assign(savedBuffers);
            grads.assign(savedGrads);
        }
    }
}
