package io.metaloop.learning.nn;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A differentiable building block with explicit parameters.
 *
 * <p>Parameters, their gradients and non-trainable buffers (such as running statistics) live in
 * flat vectors owned by a {@link Network}; a layer only receives views into them through
 * {@link #bind}. That keeps optimisers, checkpoints and "fast weights" simple: each of them is a
 * single vector.
 *
 * <p>{@link #forward} caches what {@link #backward} needs, so a layer serves one forward/backward
 * pair at a time. {@code backward} overwrites (does not accumulate) this layer's gradient views.
 */
public interface Layer {

    /** Shapes of the trainable tensors, in binding order (none for activations and pooling). */
    default List<long[]> parameterShapes() {
        return List.of();
    }

    /** Shapes of non-trainable state tensors, in binding order. */
    default List<long[]> bufferShapes() {
        return List.of();
    }

    /**
     * Names of the trainable tensors, in binding order, PyTorch style: a layer names its own tensors
     * ({@code weight}, {@code bias}) and containers prefix their children's names with the child's
     * name ({@code encoder.conv1.bn.weight}). Meta-learning selects tensors by these names (which
     * are frozen in the inner loop, which take the encoder's or the classifier's inner learning
     * rate), so they follow PyTorch-MAML's where a network exists there. The default names one
     * tensor {@code weight} and two {@code weight}, {@code bias}.
     */
    default List<String> parameterNames() {
        return Names.defaults(parameterShapes().size(), "weight", "bias");
    }

    /** Names of the buffers, in binding order ({@code running_mean}, {@code running_var} for batch norm). */
    default List<String> bufferNames() {
        return Names.defaults(bufferShapes().size(), "running_mean", "running_var");
    }

    /**
     * Hands the layer views for its parameters, their gradients and its buffers (same order as the
     * shape lists). It may be called again with views into another parameter vector
     * ({@link Network#withParameters}), so a layer keeps the views themselves and must not derive
     * anything from their values here; containers pass the call on to every child.
     */
    default void bind(List<INDArray> params, List<INDArray> grads, List<INDArray> buffers) {
    }

    /** Fills freshly allocated parameters and buffers with their initial values. */
    default void initialise(List<INDArray> params, List<INDArray> buffers, java.util.Random random) {
    }

    /** Output shape for an input of the given shape (batch dimension included). */
    long[] outputShape(long[] inputShape);

    /**
     * Floating-point operations of one forward pass on an input of this shape, counting a
     * multiply-add as two; only the matrix work (convolutions, linear maps) is counted, as is usual
     * when quoting GFLOP/s. A backward pass costs about twice this (input and weight gradients).
     */
    default long forwardFlops(long[] inputShape) {
        return 0;
    }

    INDArray forward(INDArray input, Mode mode);

    /** Gradient with respect to the input of the last forward pass; writes this layer's parameter gradients. */
    INDArray backward(INDArray gradOutput);

    /**
     * Hands the layer views for the parameter direction θ̇ and for the derivative of its parameter
     * gradients along it (same order as the shape lists), for {@link #forwardTangent} and
     * {@link #backwardTangent}; containers pass the call on.
     */
    default void bindTangents(List<INDArray> paramTangents, List<INDArray> gradTangents) {
    }

    /**
     * Forward-mode derivative of the last {@link #forward}: the derivative of the output along the
     * direction (ẋ, θ̇) — {@code inputTangent} ẋ, or null when the input does not depend on the
     * parameters (the images), and θ̇ this layer's view of the network's parameter direction. A
     * parameter-free layer returns null for a null ẋ. Exact, not a finite difference: together with
     * {@link #backwardTangent} it gives exact Hessian-vector products (Pearlmutter's R-operator,
     * forward-mode differentiation of the backward pass).
     *
     * @throws UnsupportedOperationException for layers without forward-mode derivatives
     */
    default INDArray forwardTangent(INDArray inputTangent) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no forward-mode derivative");
    }

    /**
     * The derivative of the last {@link #backward} along the direction of the last
     * {@link #forwardTangent}: given ġ, the derivative of the gradient that reached this layer's
     * output, returns the derivative of the gradient with respect to its input, and writes the
     * derivatives of its parameter gradients (its share of H·θ̇) into the gradient-tangent views.
     * Returns null when the input's tangent was null (nothing upstream depends on the parameters, so
     * nothing needs it); containers pass a null on.
     *
     * @throws UnsupportedOperationException for layers without forward-mode derivatives
     */
    default INDArray backwardTangent(INDArray gradOutputTangent) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no forward-mode derivative");
    }
}
