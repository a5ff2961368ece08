package io.metaloop.learning.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Modules applied one after another; parameters and buffers are the concatenation of theirs. Each
 * child has a name that prefixes its tensors' names (see {@link Layer#parameterNames()}): its index
 * unless {@link #builder()} gave it one; an empty name adds no prefix.
 */
public final class Sequential implements Layer {
    private final List<Layer> layers;
    private final List<String> names;

    /** Children named by their index, as PyTorch's {@code nn.Sequential} names them. */
    public Sequential(List<Layer> layers) {
        this(layers, java.util.stream.IntStream.range(0, layers.size()).mapToObj(Integer::toString).toList());
    }

    private Sequential(List<Layer> layers, List<String> names) {
        this.layers = List.copyOf(layers);
        this.names = List.copyOf(names);
    }

    /** Builds a sequence of named children: {@code Sequential.builder().add("conv", conv).add("bn", bn).build()}. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final List<Layer> layers = new ArrayList<>();
        private final List<String> names = new ArrayList<>();

        private Builder() {
        }

        /** A child whose tensors are named {@code name.<theirs>} ({@code <theirs>} alone for ""). */
        public Builder add(String name, Layer layer) {
            layers.add(layer);
            names.add(name);
            return this;
        }

        /** A child without tensors of its own worth naming (activation, pooling): named by its index. */
        public Builder add(Layer layer) {
            return add(Integer.toString(layers.size()), layer);
        }

        public Sequential build() {
            return new Sequential(layers, names);
        }
    }

    public List<Layer> layers() {
        return layers;
    }

    @Override
    public List<String> parameterNames() {
        return ChildLayers.parameterNames(names, layers);
    }

    @Override
    public List<String> bufferNames() {
        return ChildLayers.bufferNames(names, layers);
    }

    @Override
    public List<long[]> parameterShapes() {
        return ChildLayers.parameterShapes(layers);
    }

    @Override
    public List<long[]> bufferShapes() {
        return ChildLayers.bufferShapes(layers);
    }

    @Override
    public void bind(List<INDArray> params, List<INDArray> grads, List<INDArray> buffers) {
        ChildLayers.bind(layers, params, grads, buffers);
    }

    @Override
    public void initialise(List<INDArray> params, List<INDArray> buffers, Random random) {
        ChildLayers.initialise(layers, params, buffers, random);
    }

    @Override
    public long[] outputShape(long[] in) {
        long[] shape = in;
        for (Layer m : layers) {
            shape = m.outputShape(shape);
        }
        return shape;
    }

    @Override
    public long forwardFlops(long[] in) {
        long flops = 0;
        long[] shape = in;
        for (Layer m : layers) {
            flops += m.forwardFlops(shape);
            shape = m.outputShape(shape);
        }
        return flops;
    }

    @Override
    public INDArray forward(INDArray input, Mode mode) {
        INDArray x = input;
        for (Layer m : layers) {
            x = m.forward(x, mode);
        }
        return x;
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        INDArray g = gradOutput;
        for (int i = layers.size() - 1; i >= 0; i--) {
            g = layers.get(i).backward(g);
        }
        return g;
    }

    @Override
    public void bindTangents(List<INDArray> paramTangents, List<INDArray> gradTangents) {
        ChildLayers.bindTangents(layers, paramTangents, gradTangents);
    }

    @Override
    public INDArray forwardTangent(INDArray inputTangent) {
        INDArray t = inputTangent;
        for (Layer m : layers) {
            t = m.forwardTangent(t);
        }
        return t;
    }

    @Override
    public INDArray backwardTangent(INDArray gradOutputTangent) {
        INDArray g = gradOutputTangent;
        for (int i = layers.size() - 1; i >= 0 && g != null; i--) {
            g = layers.get(i).backwardTangent(g);
        }
        return g;
    }
}
