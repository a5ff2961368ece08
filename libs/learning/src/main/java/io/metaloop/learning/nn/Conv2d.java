package io.metaloop.learning.nn;

import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Square k×k convolution, with or without bias, started as the seed network it belongs to does
 * (see {@link Init}).
 */
public final class Conv2d implements Layer {
    /** How the weights (and bias) start. */
    public enum Init {
        /** N(0, 2 / (k·k·out)), no bias: the relational-reasoning and ResNet backbones (BatchNorm after every conv). */
        HE_FAN_OUT,
        /** PyTorch's default, weights and bias U(±1/√(in·k·k)): PyTorch-MAML's ConvNet4. */
        TORCH_DEFAULT,
        /** Weights U(±√(6 / ((in + out)·k·k))), bias 0: MAXL's VGG-16. */
        XAVIER_UNIFORM
    }


    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final boolean bias;
    private final Init init;
    private INDArray weights;
    private INDArray gradWeights;
    private INDArray biasValues;
    private INDArray gradBias;
    private INDArray lastInput;
    private INDArray lastGradOutput;
    private INDArray weightsTangent;
    private INDArray biasTangent;
    private INDArray gradWeightsTangent;
    private INDArray gradBiasTangent;
    private INDArray lastInputTangent;

    /** Without bias, He-normal with fan-out. */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding) {
        this(inChannels, outChannels, kernel, stride, padding, Init.HE_FAN_OUT);
    }

    /** With bias ({@link Init#TORCH_DEFAULT} or {@link Init#XAVIER_UNIFORM}) or without ({@link Init#HE_FAN_OUT}). */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, Init init) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.bias = init != Init.HE_FAN_OUT;
        this.init = init;
    }

    @Override
    public List<long[]> parameterShapes() {
        long[] w = {outChannels, inChannels, kernel, kernel};
        return bias ? List.of(w, new long[] {outChannels}) : List.of(w);
    }

    @Override
    public void bind(List<INDArray> params, List<INDArray> grads, List<INDArray> buffers) {
        weights = params.get(0);
        gradWeights = grads.get(0);
        if (bias) {
            biasValues = params.get(1);
            gradBias = grads.get(1);
        }
    }

    @Override
    public void initialise(List<INDArray> params, List<INDArray> buffers, Random random) {
        int area = kernel * kernel;
        switch (init) {
            case HE_FAN_OUT -> Initialisers.normal(params.get(0), Math.sqrt(2.0 / (area * outChannels)), random);
            case TORCH_DEFAULT -> {
                double bound = 1.0 / Math.sqrt(inChannels * area);
                Initialisers.uniform(params.get(0), bound, random);
                Initialisers.uniform(params.get(1), bound, random);
            }
            case XAVIER_UNIFORM -> {
                Initialisers.uniform(params.get(0), Math.sqrt(6.0 / ((inChannels + outChannels) * area)), random);
                params.get(1).assign(0);
            }
        }
    }

    @Override
    public long[] outputShape(long[] in) {
        requireChannels(in[1]);
        return new long[] {in[0], outChannels, outSize(in[2]), outSize(in[3])};
    }

    @Override
    public long forwardFlops(long[] in) {
        long[] out = outputShape(in);
        return 2L * out[0] * out[1] * out[2] * out[3] * inChannels * kernel * kernel;
    }

    private long outSize(long size) {
        return (size + 2L * padding - kernel) / stride + 1;
    }

    @Override
    public INDArray forward(INDArray input, Mode mode) {
        lastInput = input;
        INDArray out = Nd4j.createUninitialized(input.dataType(), outputShape(input.shape()));
        if (bias) {
            NativeOps.conv2d(input, weights, biasValues, stride, padding, out);
        } else {
            NativeOps.conv2d(input, weights, stride, padding, out);
        }
        return out;
    }

    @Override
    public void bindTangents(List<INDArray> paramTangents, List<INDArray> gradTangents) {
        weightsTangent = paramTangents.get(0);
        gradWeightsTangent = gradTangents.get(0);
        if (bias) {
            biasTangent = paramTangents.get(1);
            gradBiasTangent = gradTangents.get(1);
        }
    }

    /** ẏ = conv(x, Ẇ) + ḃ + conv(ẋ, W): the convolution is bilinear in input and weights. */
    @Override
    public INDArray forwardTangent(INDArray inputTangent) {
        lastInputTangent = inputTangent;
        INDArray out = Nd4j.createUninitialized(lastInput.dataType(), outputShape(lastInput.shape()));
        if (bias) {
            NativeOps.conv2d(lastInput, weightsTangent, biasTangent, stride, padding, out);
        } else {
            NativeOps.conv2d(lastInput, weightsTangent, stride, padding, out);
        }
        if (inputTangent != null) {
            INDArray more = Nd4j.createUninitialized(lastInput.dataType(), out.shape());
            NativeOps.conv2d(inputTangent, weights, stride, padding, more);
            out.addi(more);
        }
        return out;
    }

    /**
     * With gx = convᵀ(g, W), gW = corr(x, g), gb = Σg, the derivatives along the direction are
     * ġx = convᵀ(ġ, W) + convᵀ(g, Ẇ), ġW = corr(x, ġ) + corr(ẋ, g), ġb = Σġ: two calls of the
     * convolution's backward kernel.
     */
    @Override
    public INDArray backwardTangent(INDArray gradOutputTangent) {
        INDArray gradInput = Nd4j.createUninitialized(lastInput.dataType(), lastInput.shape());
        INDArray gradW = Nd4j.createUninitialized(weights.dataType(), weights.shape());
        if (bias) {
            INDArray gradB = Nd4j.createUninitialized(biasValues.dataType(), biasValues.shape());
            NativeOps.conv2dBackward(lastInput, weights, biasValues, gradOutputTangent, stride, padding, gradInput, gradW, gradB);
            gradBiasTangent.assign(gradB);
        } else {
            NativeOps.conv2dBackward(lastInput, weights, gradOutputTangent, stride, padding, gradInput, gradW);
        }
        if (lastInputTangent == null) {
            // the input (the images) does not move with the parameters, so nothing upstream needs its
            // gradient's derivative: skip the second call, the costliest at the network's full resolution
            gradWeightsTangent.assign(gradW);
            return null;
        }
        // the second call with the weight direction: convᵀ(g, Ẇ) and corr(ẋ, g)
        INDArray moreInput = Nd4j.createUninitialized(lastInput.dataType(), lastInput.shape());
        INDArray moreW = Nd4j.createUninitialized(weights.dataType(), weights.shape());
        NativeOps.conv2dBackward(lastInputTangent, weightsTangent, lastGradOutput, stride, padding, moreInput, moreW);
        gradInput.addi(moreInput);
        gradW.addi(moreW);
        gradWeightsTangent.assign(gradW);
        return gradInput;
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        lastGradOutput = gradOutput;
        INDArray gradInput = Nd4j.createUninitialized(lastInput.dataType(), lastInput.shape());
        INDArray gradW = Nd4j.createUninitialized(weights.dataType(), weights.shape());
        if (bias) {
            INDArray gradB = Nd4j.createUninitialized(biasValues.dataType(), biasValues.shape());
            NativeOps.conv2dBackward(lastInput, weights, biasValues, gradOutput, stride, padding, gradInput, gradW, gradB);
            gradBias.assign(gradB);
        } else {
            NativeOps.conv2dBackward(lastInput, weights, gradOutput, stride, padding, gradInput, gradW);
        }
        gradWeights.assign(gradW);
        return gradInput;
    }

    private void requireChannels(long channels) {
        if (channels != inChannels) {
            throw new IllegalArgumentException("conv expects " + inChannels + " input channels, got " + channels);
        }
    }
}
