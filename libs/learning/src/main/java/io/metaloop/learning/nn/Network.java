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
    // forward-mode direction and the derivative of the gradients along it; allocated on first use
    private INDArray paramTangent;
    private INDArray gradTangent;

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

    /**
     * One named tensor inside a flat vector: elements {@code [offset, offset + length)}.
     *
     * @param name PyTorch-style, e.g. {@code encoder.conv1.bn.weight} (see {@link Layer#parameterNames()})
     */
    public record Tensor(String name, long offset, long length) {
    }

    /** The trainable tensors in {@link #params()} order, with their names and places in the vector. */
    public List<Tensor> parameterTensors() {
        return tensors(root.parameterNames(), root.parameterShapes());
    }

    /** The buffers in {@link #buffers()} order, with their names and places in the vector. */
    public List<Tensor> bufferTensors() {
        return tensors(root.bufferNames(), root.bufferShapes());
    }

    private static List<Tensor> tensors(List<String> names, List<long[]> shapes) {
        if (names.size() != shapes.size()) {
            throw new IllegalStateException(names.size() + " names for " + shapes.size() + " tensors");
        }
        List<Tensor> out = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < shapes.size(); i++) {
            long n = Arrays.stream(shapes.get(i)).reduce(1, (a, b) -> a * b);
            out.add(new Tensor(names.get(i), offset, n));
            offset += n;
        }
        return out;
    }

    /**
     * A vector laid out like {@link #params()} holding, for each tensor, {@code value.applyAsDouble(name)}
     * in all its elements: per-parameter inner learning rates, masks of frozen tensors, and so on.
     */
    public INDArray perParameter(java.util.function.ToDoubleFunction<String> value) {
        INDArray out = Nd4j.create(params.dataType(), params.length());
        for (Tensor t : parameterTensors()) {
            out.get(NDArrayIndex.interval(t.offset(), t.offset() + t.length())).assign(value.applyAsDouble(t.name()));
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

    /**
     * Back-propagates the gradient of the loss with respect to the last forward's output; fills
     * {@link #gradients()}.
     *
     * @return the gradient with respect to the last forward's input (a head's input: the features
     *         it was given, for the backbone under it)
     */
    public INDArray backward(INDArray gradOutput) {
        return root.backward(gradOutput);
    }

    /**
     * The forward-mode derivative of the last {@link #forward}'s output along a parameter direction
     * v (the input held fixed): a Jacobian-vector product, exact. Call after forward (and before the
     * next one), inside the same parameter scope if there is one.
     *
     * @param direction v, laid out like {@link #params()}
     * @throws UnsupportedOperationException when a layer has no forward-mode derivative
     */
    public INDArray forwardTangent(INDArray direction) {
        if (direction.length() != params.length()) {
            throw new IllegalArgumentException("direction has " + direction.length() + " elements, the network "
                    + params.length() + " parameters");
        }
        ensureTangents();
        paramTangent.assign(direction);
        INDArray out = root.forwardTangent(null);
        return out != null ? out : Nd4j.zeros(params.dataType(), root.outputShape(withBatch(1)));
    }

    /**
     * The derivative of the last {@link #backward} along the direction of the last
     * {@link #forwardTangent}, given the derivative of the loss gradient that backward started from
     * (for the gradient of a loss L, the result is H·v, H the Hessian of L in the parameters).
     * Exact: Pearlmutter's R-operator, forward-mode differentiation of the backward pass.
     *
     * @return the derivative of {@link #gradients()} along v, a live vector laid out like {@link #params()}
     */
    public INDArray backwardTangent(INDArray gradOutputTangent) {
        ensureTangents();
        root.backwardTangent(gradOutputTangent);
        return gradTangent;
    }

    private void ensureTangents() {
        if (paramTangent == null) {
            try (org.nd4j.linalg.api.memory.MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                paramTangent = Nd4j.create(params.dataType(), params.length());
                gradTangent = Nd4j.create(params.dataType(), params.length());
            }
            root.bindTangents(views(paramTangent, root.parameterShapes()), views(gradTangent, root.parameterShapes()));
        }
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
