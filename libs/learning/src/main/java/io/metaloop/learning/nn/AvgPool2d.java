package io.metaloop.learning.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Average pooling with a square window, no padding, flooring odd sizes (7 → 3 for a 2×2/2 pool). */
public final class AvgPool2d implements Layer {
    private final int kernel;
    private final int stride;
    private INDArray lastInput;

    public AvgPool2d(int kernel, int stride) {
        this.kernel = kernel;
        this.stride = stride;
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in[2] < kernel || in[3] < kernel) {
            throw new IllegalArgumentException("average pooling over " + kernel + "×" + kernel + " windows needs a map at least that large, got "
                    + in[2] + "×" + in[3]);
        }
        return new long[] {in[0], in[1], (in[2] - kernel) / stride + 1, (in[3] - kernel) / stride + 1};
    }

    @Override
    public INDArray forward(INDArray input, Mode mode) {
        lastInput = input;
        return pool(input);
    }

    /** Linear: the tangent is pooled like the input. */
    @Override
    public INDArray forwardTangent(INDArray inputTangent) {
        return inputTangent == null ? null : pool(inputTangent);
    }

    @Override
    public INDArray backwardTangent(INDArray gradOutputTangent) {
        return backward(gradOutputTangent);
    }

    private INDArray pool(INDArray input) {
        INDArray out = Nd4j.createUninitialized(input.dataType(), outputShape(input.shape()));
        if (kernel == 2 && stride == 2 && PlaneKernels.dense(input) && input.length() < Integer.MAX_VALUE) {
            PlaneKernels.avgPool2x2(input, out);
        } else {
            NativeOps.avgPool2d(input, kernel, stride, out);
        }
        return out;
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        INDArray gradInput = Nd4j.createUninitialized(lastInput.dataType(), lastInput.shape());
        if (kernel == 2 && stride == 2 && PlaneKernels.dense(lastInput) && PlaneKernels.dense(gradOutput)
                && lastInput.length() < Integer.MAX_VALUE) {
            PlaneKernels.avgPool2x2Backward(gradOutput, gradInput);
        } else {
            NativeOps.avgPool2dBackward(lastInput, gradOutput, kernel, stride, gradInput);
        }
        return gradInput;
    }
}
