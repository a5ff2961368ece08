package io.metaloop.learning.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Modules applied one after another; parameters and buffers are the concatenation of theirs. */
public final class Sequential implements Layer {
    private final List<Layer> layers;

    public Sequential(List<Layer> layers) {
        this.layers = List.copyOf(layers);
    }

    public List<Layer> layers() {
        return layers;
    }

    @Override
    public List<long[]> parameterShapes() {
        List<long[]> shapes = new ArrayList<>();
        layers.forEach(m -> shapes.addAll(m.parameterShapes()));
        return shapes;
    }

    @Override
    public List<long[]> bufferShapes() {
        List<long[]> shapes = new ArrayList<>();
        layers.forEach(m -> shapes.addAll(m.bufferShapes()));
        return shapes;
    }

    @Override
    public void bind(List<INDArray> params, List<INDArray> grads, List<INDArray> buffers) {
        int p = 0;
        int b = 0;
        for (Layer m : layers) {
            int np = m.parameterShapes().size();
            int nb = m.bufferShapes().size();
            m.bind(params.subList(p, p + np), grads.subList(p, p + np), buffers.subList(b, b + nb));
            p += np;
            b += nb;
        }
    }

    @Override
    public void initialise(List<INDArray> params, List<INDArray> buffers, Random random) {
        int p = 0;
        int b = 0;
        for (Layer m : layers) {
            int np = m.parameterShapes().size();
            int nb = m.bufferShapes().size();
            m.initialise(params.subList(p, p + np), buffers.subList(b, b + nb), random);
            p += np;
            b += nb;
        }
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
}
