package io.metaloop.learning.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

/** Mean over height and width: [B, C, H, W] → [B, C]. */
public final class GlobalAvgPool implements Layer {
    private long[] lastInputShape;

    @Override
    public long[] outputShape(long[] in) {
        return new long[] {in[0], in[1]};
    }

    @Override
    public INDArray forward(INDArray input, Mode mode) {
        lastInputShape = input.shape();
        return input.mean(2, 3);
    }

    @Override
    public INDArray forwardTangent(INDArray inputTangent) {
        return inputTangent == null ? null : inputTangent.mean(2, 3);
    }

    @Override
    public INDArray backwardTangent(INDArray gradOutputTangent) {
        return backward(gradOutputTangent);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        double area = lastInputShape[2] * lastInputShape[3];
        INDArray gradInput = Nd4j.createUninitialized(gradOutput.dataType(), lastInputShape);
        return Broadcast.copy(gradInput, gradOutput.div(area), gradInput, 0, 1);
    }
}
