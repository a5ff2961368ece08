package io.metaloop.learning.nn;

import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;

/** y = x·W + b with W stored as [in, out]. */
public final class Linear implements Layer {
    private final int in;
    private final int out;
    private INDArray weights;
    private INDArray bias;
    private INDArray gradWeights;
    private INDArray gradBias;
    private INDArray lastInput;
    private INDArray lastGradOutput;
    private INDArray lastInputTangent;
    private INDArray weightsTangent;
    private INDArray biasTangent;
    private INDArray gradWeightsTangent;
    private INDArray gradBiasTangent;

    public Linear(int in, int out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public List<long[]> parameterShapes() {
        return List.of(new long[] {in, out}, new long[] {out});
    }

    @Override
    public void bind(List<INDArray> params, List<INDArray> grads, List<INDArray> buffers) {
        weights = params.get(0);
        bias = params.get(1);
        gradWeights = grads.get(0);
        gradBias = grads.get(1);
    }

    /** PyTorch's default for nn.Linear: U(−1/√in, 1/√in) for weights and bias. */
    @Override
    public void initialise(List<INDArray> params, List<INDArray> buffers, Random random) {
        double bound = 1.0 / Math.sqrt(in);
        Initialisers.uniform(params.get(0), bound, random);
        Initialisers.uniform(params.get(1), bound, random);
    }

    @Override
    public long forwardFlops(long[] shape) {
        return 2L * shape[0] * in * out;
    }

    @Override
    public long[] outputShape(long[] shape) {
        if (shape.length != 2 || shape[1] != in) {
            throw new IllegalArgumentException("linear layer expects [batch, " + in + "], got " + java.util.Arrays.toString(shape));
        }
        return new long[] {shape[0], out};
    }

    @Override
    public INDArray forward(INDArray input, Mode mode) {
        lastInput = input;
        return input.mmul(weights).addiRowVector(bias);
    }

    @Override
    public void bindTangents(List<INDArray> paramTangents, List<INDArray> gradTangents) {
        weightsTangent = paramTangents.get(0);
        biasTangent = paramTangents.get(1);
        gradWeightsTangent = gradTangents.get(0);
        gradBiasTangent = gradTangents.get(1);
    }

    /** ẏ = x·Ẇ + ḃ + ẋ·W. */
    @Override
    public INDArray forwardTangent(INDArray inputTangent) {
        lastInputTangent = inputTangent;
        INDArray out = lastInput.mmul(weightsTangent).addiRowVector(biasTangent);
        return inputTangent == null ? out : out.addi(inputTangent.mmul(weights));
    }

    /** ġx = ġ·Wᵀ + g·Ẇᵀ, ġW = xᵀ·ġ + ẋᵀ·g, ġb = Σġ. */
    @Override
    public INDArray backwardTangent(INDArray gradOutputTangent) {
        INDArray gradW = lastInput.transpose().mmul(gradOutputTangent);
        if (lastInputTangent != null) {
            gradW.addi(lastInputTangent.transpose().mmul(lastGradOutput));
        }
        gradWeightsTangent.assign(gradW);
        gradBiasTangent.assign(gradOutputTangent.sum(0));
        return gradOutputTangent.mmul(weights.transpose()).addi(lastGradOutput.mmul(weightsTangent.transpose()));
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        lastGradOutput = gradOutput;
        gradWeights.assign(lastInput.transpose().mmul(gradOutput));
        gradBias.assign(gradOutput.sum(0));
        return gradOutput.mmul(weights.transpose());
    }
}
