package io.metaloop.learning.nn;

import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code main(x) + shortcut(x)}: a residual connection whose two branches are layers of their own
 * (the shortcut may be a 1×1 convolution with BatchNorm, or {@link #IDENTITY}). Parameters and
 * buffers are the main branch's, then the shortcut's.
 */
public final class Residual implements Layer {
    /** The shortcut that passes its input through. */
    public static final Layer IDENTITY = new Sequential(List.of());

    private final Layer main;
    private final Layer shortcut;
    private final Sequential both;

    public Residual(Layer main, Layer shortcut) {
        this.main = main;
        this.shortcut = shortcut;
        // only for binding, initialisation and names: the main branch's tensors keep their own names, the shortcut's
        // are prefixed "shortcut."
        this.both = Sequential.builder().add("", main).add("shortcut", shortcut).build();
    }

    @Override
    public List<String> parameterNames() {
        return both.parameterNames();
    }

    @Override
    public List<String> bufferNames() {
        return both.bufferNames();
    }

    @Override
    public List<long[]> parameterShapes() {
        return both.parameterShapes();
    }

    @Override
    public List<long[]> bufferShapes() {
        return both.bufferShapes();
    }

    @Override
    public void bind(List<INDArray> params, List<INDArray> grads, List<INDArray> buffers) {
        both.bind(params, grads, buffers);
    }

    @Override
    public void initialise(List<INDArray> params, List<INDArray> buffers, Random random) {
        both.initialise(params, buffers, random);
    }

    @Override
    public long[] outputShape(long[] in) {
        long[] a = main.outputShape(in);
        long[] b = shortcut.outputShape(in);
        if (!java.util.Arrays.equals(a, b)) {
            throw new IllegalArgumentException("residual branches disagree: main gives " + java.util.Arrays.toString(a)
                    + ", shortcut " + java.util.Arrays.toString(b));
        }
        return a;
    }

    @Override
    public long forwardFlops(long[] in) {
        return main.forwardFlops(in) + shortcut.forwardFlops(in);
    }

    @Override
    public INDArray forward(INDArray input, Mode mode) {
        INDArray a = main.forward(input, mode);
        INDArray b = shortcut.forward(input, mode);
        return a.add(b);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        INDArray a = main.backward(gradOutput);
        INDArray b = shortcut.backward(gradOutput);
        return a.add(b);
    }

    @Override
    public void bindTangents(List<INDArray> paramTangents, List<INDArray> gradTangents) {
        both.bindTangents(paramTangents, gradTangents);
    }

    @Override
    public INDArray forwardTangent(INDArray inputTangent) {
        INDArray a = main.forwardTangent(inputTangent);
        INDArray b = shortcut.forwardTangent(inputTangent);
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return a.add(b);
    }

    @Override
    public INDArray backwardTangent(INDArray gradOutputTangent) {
        INDArray a = main.backwardTangent(gradOutputTangent);
        INDArray b = shortcut.backwardTangent(gradOutputTangent);
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return a.add(b);
    }
}
