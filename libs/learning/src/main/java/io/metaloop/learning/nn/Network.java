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
 */
public final class Network {
    private final Layer root;
    private final long[] inputShape;
    private final INDArray params;
    private final INDArray grads;
    private final INDArray buffers;

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
        List<INDArray> paramViews = views(params, paramShapes);
        List<INDArray> bufferViews = views(buffers, bufferShapes);
        root.bind(paramViews, views(grads, paramShapes), bufferViews);
        root.initialise(paramViews, bufferViews, new Random(seed));
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

    /** The live parameter vector; writing to it changes the network. */
    public INDArray params() {
        return params;
    }

    /** Gradients of the last backward pass, laid out like {@link #params()}. */
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
}
