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
    public INDArray backward(INDArray gradOutput) {
        gradWeights.assign(lastInput.transpose().mmul(gradOutput));
        gradBias.assign(gradOutput.sum(0));
        return gradOutput.mmul(weights.transpose());
    }
}
