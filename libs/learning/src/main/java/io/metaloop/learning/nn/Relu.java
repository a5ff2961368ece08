package io.metaloop.learning.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

public final class Relu implements Layer {
    private INDArray lastOutput;

    @Override
    public long[] outputShape(long[] in) {
        return in.clone();
    }

    @Override
    public INDArray forward(INDArray input, Mode mode) {
        lastOutput = Transforms.relu(input, true);
        return lastOutput;
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        if (PlaneKernels.dense(gradOutput) && PlaneKernels.dense(lastOutput) && gradOutput.length() < Integer.MAX_VALUE) {
            INDArray gradInput = gradOutput.ulike();
            PlaneKernels.reluBackward(lastOutput, gradOutput, gradInput);
            return gradInput;
        }
        return gradOutput.mul(lastOutput.gt(0).castTo(gradOutput.dataType()));
    }

    /** ReLU is linear where it is differentiable: the tangent passes where the output was positive. */
    @Override
    public INDArray forwardTangent(INDArray inputTangent) {
        return inputTangent == null ? null : backward(inputTangent);
    }

    @Override
    public INDArray backwardTangent(INDArray gradOutputTangent) {
        return backward(gradOutputTangent);
    }
}
