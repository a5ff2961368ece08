package io.metaloop.learning.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** [B, C, H, W] → [B, C·H·W], in C-order (channel-major, as PyTorch's {@code flatten(1)}). */
public final class Flatten implements Layer {
    private long[] lastInputShape;

    @Override
    public long[] outputShape(long[] in) {
        long features = 1;
        for (int i = 1; i < in.length; i++) {
            features *= in[i];
        }
        return new long[] {in[0], features};
    }

    @Override
    public INDArray forward(INDArray input, Mode mode) {
        lastInputShape = input.shape();
        return input.reshape('c', outputShape(lastInputShape));
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return gradOutput.reshape('c', lastInputShape);
    }

    @Override
    public INDArray forwardTangent(INDArray inputTangent) {
        return inputTangent == null ? null : inputTangent.reshape('c', outputShape(lastInputShape));
    }

    @Override
    public INDArray backwardTangent(INDArray gradOutputTangent) {
        return backward(gradOutputTangent);
    }
}
