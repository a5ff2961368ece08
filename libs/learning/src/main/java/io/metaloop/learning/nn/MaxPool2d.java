package io.metaloop.learning.nn;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max pooling with a square window, no padding, flooring odd sizes (21 → 10 for a 2×2/2 pool, which
 * ConvNet4's 800-d features at 84 px rely on). The gradient goes to each window's maximum.
 */
public final class MaxPool2d implements Layer {
    private final int kernel;
    private final int stride;
    private INDArray lastInput;
    private byte[] argmax; // set when the forward pass ran the Java kernel

    public MaxPool2d(int kernel, int stride) {
        this.kernel = kernel;
        this.stride = stride;
    }

    @Override
    public List<long[]> parameterShapes() {
        return List.of();
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in[2] < kernel || in[3] < kernel) {
            throw new IllegalArgumentException("max pooling over " + kernel + "×" + kernel + " windows needs a map at least that large, got "
                    + in[2] + "×" + in[3]);
        }
        return new long[] {in[0], in[1], (in[2] - kernel) / stride + 1, (in[3] - kernel) / stride + 1};
    }

    @Override
    public INDArray forward(INDArray input, Mode mode) {
        lastInput = input;
        INDArray out = Nd4j.createUninitialized(input.dataType(), outputShape(input.shape()));
        if (kernel == stride && PlaneKernels.dense(input) && out.length() < Integer.MAX_VALUE) {
            if (argmax == null || argmax.length < out.length()) {
                argmax = new byte[(int) out.length()];
            }
            PlaneKernels.maxPool(input, kernel, out, argmax);
        } else {
            argmax = null;
            NativeOps.maxPool2d(input, kernel, stride, out);
        }
        return out;
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        INDArray gradInput = Nd4j.createUninitialized(lastInput.dataType(), lastInput.shape());
        if (argmax != null && PlaneKernels.dense(gradOutput)) {
            PlaneKernels.maxPoolBackward(gradOutput, kernel, argmax, gradInput);
        } else {
            NativeOps.maxPool2dBackward(lastInput, gradOutput, kernel, stride, gradInput);
        }
        return gradInput;
    }
}
