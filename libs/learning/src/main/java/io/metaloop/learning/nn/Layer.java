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
}
