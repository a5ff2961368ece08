package io.metaloop.learning.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** Thin wrappers over libnd4j's convolution and pooling kernels (NCHW, weights as [out, in, kH, kW]). */
final class NativeOps {
    private static final int NCHW = 0;
    private static final int WEIGHTS_OIHW = 1;

    private NativeOps() {
    }

    static void conv2d(INDArray input, INDArray weights, int stride, int padding, INDArray output) {
        int k = (int) weights.size(2);
        exec(DynamicCustomOp.builder("conv2d")
                .addInputs(input, weights)
                .addOutputs(output)
                .addIntegerArguments(k, k, stride, stride, padding, padding, 1, 1, 0, NCHW, WEIGHTS_OIHW)
                .build());
    }

    static void conv2dBackward(INDArray input, INDArray weights, INDArray gradOutput, int stride, int padding,
                               INDArray gradInput, INDArray gradWeights) {
        int k = (int) weights.size(2);
        exec(DynamicCustomOp.builder("conv2d_bp")
                .addInputs(input, weights, gradOutput)
                .addOutputs(gradInput, gradWeights)
                .addIntegerArguments(k, k, stride, stride, padding, padding, 1, 1, 0, NCHW, WEIGHTS_OIHW)
                .build());
    }

    static void conv2d(INDArray input, INDArray weights, INDArray bias, int stride, int padding, INDArray output) {
        int k = (int) weights.size(2);
        exec(DynamicCustomOp.builder("conv2d")
                .addInputs(input, weights, bias)
                .addOutputs(output)
                .addIntegerArguments(k, k, stride, stride, padding, padding, 1, 1, 0, NCHW, WEIGHTS_OIHW)
                .build());
    }

    static void conv2dBackward(INDArray input, INDArray weights, INDArray bias, INDArray gradOutput, int stride,
                               int padding, INDArray gradInput, INDArray gradWeights, INDArray gradBias) {
        int k = (int) weights.size(2);
        exec(DynamicCustomOp.builder("conv2d_bp")
                .addInputs(input, weights, bias, gradOutput)
                .addOutputs(gradInput, gradWeights, gradBias)
                .addIntegerArguments(k, k, stride, stride, padding, padding, 1, 1, 0, NCHW, WEIGHTS_OIHW)
                .build());
    }

    /** Max pooling; libnd4j skips padded cells when taking the maximum, so padding acts as −∞. */
    static void maxPool2d(INDArray input, int kernel, int stride, int padding, INDArray output) {
        pool("maxpool2d", kernel, stride, padding, output, input);
    }

    static void maxPool2dBackward(INDArray input, INDArray gradOutput, int kernel, int stride, int padding,
                                  INDArray gradInput) {
        pool("maxpool2d_bp", kernel, stride, padding, gradInput, input, gradOutput);
    }

    static void avgPool2d(INDArray input, int kernel, int stride, INDArray output) {
        pool("avgpool2d", kernel, stride, 0, output, input);
    }

    static void avgPool2dBackward(INDArray input, INDArray gradOutput, int kernel, int stride, INDArray gradInput) {
        pool("avgpool2d_bp", kernel, stride, 0, gradInput, input, gradOutput);
    }

    /**
     * A square pooling op or its gradient: no dilation, floor sizes (not "same" mode), NCHW. The
     * integer arguments are kH, kW, sH, sW, pH, pW, dH, dW, isSameMode, extraParam0 (average
     * pooling's divisor mode, unused here without padding), data format.
     */
    private static void pool(String op, int kernel, int stride, int padding, INDArray output, INDArray... inputs) {
        exec(DynamicCustomOp.builder(op)
                .addInputs(inputs)
                .addOutputs(output)
                .addIntegerArguments(kernel, kernel, stride, stride, padding, padding, 1, 1, 0, 0, NCHW)
                .build());
    }

    private static void exec(DynamicCustomOp op) {
        Nd4j.getExecutioner().exec(op);
    }
}
