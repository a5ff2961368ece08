package io.metaloop.learning.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A layer tree plus the three flat vectors it computes with: parameters, their gradients and
 * non-trainable buffers. Every tensor a layer sees is a view into one of these vectors.
 *
 * <p>{@link #withParameters} runs the same layers on another parameter vector, such as the fast
 * weights θ' = θ − α∇L of one MAML episode, without copying it into {@link #params()}.
 */
public final class Network {
    private final Layer root;
    private final long[] inputShape;
    private final INDArray params;
    private final INDArray grads;
    private final INDArray buffers;
    // kept so that a parameter scope can rebind the layers without recomputing the gradient and buffer views
    private final List<INDArray> ownParamViews;
    private final List<INDArray> gradViews;
    private final List<INDArray> bufferViews;
    private ParameterScope openScope;

    /**
     * @param inputShape one example's shape, e.g. {channels, height, width}
     */
    public Network(Layer root, long[] inputShape, DataType dataType, long seed) {
        this.root = root;
        this.inputShape = inputShape.clone();
        root.outputShape(withBatch(1)); // validates the chain of shapes up front
        List<long[]> paramShapes = root.parameterShapes();
        List<long[]> bufferShapes = root.bufferShapes();
        params = Nd4j.create(dataType, Math.max(1, total(paramShapes)));
        grads = Nd4j.create(dataType, Math.max(1, total(paramShapes)));
        buffers = Nd4j.create(dataType, Math.max(1, total(bufferShapes)));
        ownParamViews = views(params, paramShapes);
        gradViews = views(grads, paramShapes);
        bufferViews = views(buffers, bufferShapes);
        root.bind(ownParamViews, gradViews, bufferViews);
        root.initialise(ownParamViews, bufferViews, new Random(seed));
    }

    private long[] withBatch(long batch) {
        long[] shape = new long[inputShape.length + 1];
        shape[0] = batch;
        System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
        return shape;
    }

    private static long total(List<long[]> shapes) {
        return shapes.stream().mapToLong(s -> Arrays.stream(s).reduce(1, (a, b) -> a * b)).sum();
    }

    private static List<INDArray> views(INDArray flat, List<long[]> shapes) {
        List<INDArray> out = new ArrayList<>();
        long offset = 0;
        for (long[] shape : shapes) {
            long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            out.add(flat.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', shape));
            offset += n;
        }
        return out;
    }

    /** The layer tree. */
    public Layer root() {
        return root;
    }

    public long numParams() {
        return total(root.parameterShapes());
    }

    public long[] inputShape() {
        return inputShape.clone();
    }

    public DataType dataType() {
        return params.dataType();
    }

    /**
     * The network's own (live) parameter vector; writing to it changes the network. Inside a
     * {@link #withParameters} scope it is still this vector, unused by forward and backward.
     */
    public INDArray params() {
        return params;
    }

    /**
     * Gradients of the last backward pass, laid out like {@link #params()}; inside a
     * {@link #withParameters} scope, the gradient at the scope's parameters.
     */
    public INDArray gradients() {
        return grads;
    }

    /** Non-trainable state (running statistics), a live vector. */
    public INDArray buffers() {
        return buffers;
    }

    public INDArray forward(INDArray input, Mode mode) {
        if (input.rank() != inputShape.length + 1) {
            throw new IllegalArgumentException("expected input of shape [batch, " + Arrays.toString(inputShape)
                    + "], got " + Arrays.toString(input.shape()));
        }
        return root.forward(input.castTo(params.dataType()), mode);
    }

    /** Back-propagates the gradient of the loss with respect to the last forward's output; fills {@link #gradients()}. */
    public void backward(INDArray gradOutput) {
        root.backward(gradOutput);
    }

    /**
     * Makes forward and backward use {@code parameters} in place of {@link #params()} until the
     * returned scope is closed: every layer is rebound to views into {@code parameters}, which
     * must be a contiguous vector of the same length and data type (the fast weights of an
     * episode, say). Nothing is copied, so later writes to {@code parameters} are seen by the next
     * forward, and {@link #params()} is neither read nor written. Backward still writes
     * {@link #gradients()}, now the gradient at {@code parameters}; forward in {@link Mode#TRAIN}
     * still updates {@link #buffers()} (use {@link Mode#EPISODE} to leave them alone).
     *
     * <p>Layers cache what backward needs and read their current parameter views, so run each
     * forward and its backward inside the same scope; a layer still serves one forward/backward
     * pair at a time. Scopes do not nest: close one before opening the next.
     *
     * <pre>{@code
     * try (Network.ParameterScope scope = net.withParameters(fastWeights)) {
     *     INDArray logits = net.forward(query, Mode.EPISODE);
     *     net.backward(gradLogits);   // net.gradients() now holds ∇L at fastWeights
     * }
     * }</pre>
     */
    public ParameterScope withParameters(INDArray parameters) {
        if (openScope != null) {
            throw new IllegalStateException("a parameter scope is already open on this network; close it first");
        }
        if (parameters.dataType() != params.dataType()) {
            throw new IllegalArgumentException("parameters must be " + params.dataType() + ", got " + parameters.dataType());
        }
        if (parameters.rank() != 1 || parameters.length() != params.length()) {
            throw new IllegalArgumentException("parameters must be a vector of length " + params.length() + ", got shape "
                    + Arrays.toString(parameters.shape()));
        }
        if (parameters.stride(0) != 1) {
            // reshaping a strided vector copies it, and the layers would then not see later writes
            throw new IllegalArgumentException("parameters must be contiguous (stride 1), got stride " + parameters.stride(0));
        }
        root.bind(views(parameters, root.parameterShapes()), gradViews, bufferViews);
        openScope = new ParameterScope();
        return openScope;
    }

    /** While open, the network computes with other parameters; closing rebinds it to its own. */
    public final class ParameterScope implements AutoCloseable {
        private ParameterScope() {
        }

        /** Rebinds every layer to {@link #params()}; closing twice does nothing more. */
        @Override
        public void close() {
            if (openScope == this) {
                root.bind(ownParamViews, gradViews, bufferViews);
                openScope = null;
            }
        }
    }
}
