package io.metaloop.learning.nn;

import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * y = t·x with a scalar t: the temperature PyTorch-MAML multiplies its logits by (its classifier's
 * {@code temp}). Learned, t is a one-element parameter named {@code temp} (start value {@code initial});
 * fixed, it is a constant and the layer has no parameters.
 */
public final class Scale implements Layer {
    private final double initial;
    private final boolean learned;
    private INDArray value;
    private INDArray gradValue;
    private INDArray lastInput;
    private INDArray lastGradOutput;
    private INDArray lastInputTangent;
    private INDArray valueTangent;
    private INDArray gradValueTangent;

    public Scale(double initial, boolean learned) {
        if (!Double.isFinite(initial)) {
            throw new IllegalArgumentException("scale must be finite, got " + initial);
        }
        this.initial = initial;
        this.learned = learned;
    }

    @Override
    public List<long[]> parameterShapes() {
        return learned ? List.of(new long[] {1}) : List.of();
    }

    @Override
    public List<String> parameterNames() {
        return learned ? List.of("temp") : List.of();
    }

    @Override
    public void bind(List<INDArray> params, List<INDArray> grads, List<INDArray> buffers) {
        if (learned) {
            value = params.get(0);
            gradValue = grads.get(0);
        }
    }

    @Override
    public void initialise(List<INDArray> params, List<INDArray> buffers, Random random) {
        if (learned) {
            params.get(0).assign(initial);
        }
    }

    @Override
    public long[] outputShape(long[] in) {
        return in.clone();
    }

    private double factor() {
        return learned ? value.getDouble(0) : initial;
    }

    @Override
    public INDArray forward(INDArray input, Mode mode) {
        lastInput = input;
        return input.mul(factor());
    }

    @Override
    public void bindTangents(List<INDArray> paramTangents, List<INDArray> gradTangents) {
        if (learned) {
            valueTangent = paramTangents.get(0);
            gradValueTangent = gradTangents.get(0);
        }
    }

    /** ẏ = t·ẋ + ṫ·x. */
    @Override
    public INDArray forwardTangent(INDArray inputTangent) {
        lastInputTangent = inputTangent;
        INDArray out = inputTangent == null ? null : inputTangent.mul(factor());
        if (!learned) {
            return out;
        }
        INDArray moved = lastInput.mul(valueTangent.getDouble(0));
        return out == null ? moved : out.addi(moved);
    }

    /** ġx = t·ġ + ṫ·g, ġt = Σ(ġ⊙x + g⊙ẋ). */
    @Override
    public INDArray backwardTangent(INDArray gradOutputTangent) {
        INDArray gradInput = gradOutputTangent.mul(factor());
        if (learned) {
            double dt = valueTangent.getDouble(0);
            gradInput.addi(lastGradOutput.mul(dt));
            double g = gradOutputTangent.mul(lastInput).sumNumber().doubleValue();
            if (lastInputTangent != null) {
                g += lastGradOutput.mul(lastInputTangent).sumNumber().doubleValue();
            }
            gradValueTangent.putScalar(0, g);
        }
        return gradInput;
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        lastGradOutput = gradOutput;
        if (learned) {
            gradValue.putScalar(0, gradOutput.mul(lastInput).sumNumber().doubleValue());
        }
        return gradOutput.mul(factor());
    }
}
