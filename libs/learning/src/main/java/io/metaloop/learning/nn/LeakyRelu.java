package io.metaloop.learning.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** max(x, slope·x) for 0 < slope < 1 (ResNet-12 uses 0.1, the relation heads 0.01). */
public final class LeakyRelu implements Layer {
    private final double slope;
    private INDArray lastOutput;

    public LeakyRelu(double slope) {
        if (!(slope > 0 && slope < 1)) {
            throw new IllegalArgumentException("slope must be in (0, 1), got " + slope);
        }
        this.slope = slope;
    }

    @Override
    public long[] outputShape(long[] in) {
        return in.clone();
    }

    @Override
    public INDArray forward(INDArray input, Mode mode) {
        lastOutput = Transforms.leakyRelu(input, slope, true);
        return lastOutput;
    }

    /** The output has the input's sign, so it tells which slope applied. */
    @Override
    public INDArray backward(INDArray gradOutput) {
        INDArray positive = lastOutput.gt(0).castTo(gradOutput.dataType());
        // 1 where positive, slope elsewhere
        INDArray derivative = positive.muli(1 - slope).addi(slope);
        return gradOutput.mul(derivative);
    }

    /** Piecewise linear: the tangent is scaled by the slope of the piece each input was on. */
    @Override
    public INDArray forwardTangent(INDArray inputTangent) {
        return inputTangent == null ? null : backward(inputTangent);
    }

    @Override
    public INDArray backwardTangent(INDArray gradOutputTangent) {
        return backward(gradOutputTangent);
    }
}
