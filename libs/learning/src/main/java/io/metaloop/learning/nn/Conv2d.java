package io.metaloop.learning.nn;

import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Square k×k convolution without bias (the seeds' backbones put BatchNorm after every conv). */
public final class Conv2d implements Layer {
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private INDArray weights;
    private INDArray gradWeights;
    private INDArray lastInput;

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public List<long[]> parameterShapes() {
        return List.of(new long[] {outChannels, inChannels, kernel, kernel});
    }

    @Override
    public void bind(List<INDArray> params, List<INDArray> grads, List<INDArray> buffers) {
        weights = params.get(0);
        gradWeights = grads.get(0);
    }

    /** He normal with fan-out, as the relational-reasoning backbones: N(0, 2 / (k·k·out)). */
    @Override
    public void initialise(List<INDArray> params, List<INDArray> buffers, Random random) {
        double std = Math.sqrt(2.0 / (kernel * kernel * outChannels));
        Initialisers.normal(params.get(0), std, random);
    }

    @Override
    public long[] outputShape(long[] in) {
        requireChannels(in[1]);
        return new long[] {in[0], outChannels, outSize(in[2]), outSize(in[3])};
    }

    private long outSize(long size) {
        return (size + 2L * padding - kernel) / stride + 1;
    }

    @Override
    public INDArray forward(INDArray input, Mode mode) {
        lastInput = input;
        INDArray out = Nd4j.createUninitialized(input.dataType(), outputShape(input.shape()));
        NativeOps.conv2d(input, weights, stride, padding, out);
        return out;
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        INDArray gradInput = Nd4j.createUninitialized(lastInput.dataType(), lastInput.shape());
        INDArray gradW = Nd4j.createUninitialized(weights.dataType(), weights.shape());
        NativeOps.conv2dBackward(lastInput, weights, gradOutput, stride, padding, gradInput, gradW);
        gradWeights.assign(gradW);
        return gradInput;
    }

    private void requireChannels(long channels) {
        if (channels != inChannels) {
            throw new IllegalArgumentException("conv expects " + inChannels + " input channels, got " + channels);
        }
    }
}
