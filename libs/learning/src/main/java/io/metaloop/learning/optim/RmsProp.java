package io.metaloop.learning.optim;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * RMSprop as {@code torch.optim.RMSprop} with its defaults (α 0.99, ε 1e-8, not centred, no momentum):
 * <pre>
 *   g ← g + λ·p
 *   v ← α·v + (1 − α)·g²           (v starts at 0)
 *   p ← p − η·g / (√v + ε)
 * </pre>
 */
public final class RmsProp implements Optimizer {
    private final double alpha;
    private final double epsilon;
    private final double weightDecay;
    private final INDArray squareAverage;
    private long steps;

    public RmsProp(INDArray params, double alpha, double epsilon, double weightDecay) {
        if (!(alpha >= 0 && alpha < 1) || !(epsilon > 0) || weightDecay < 0) {
            throw new IllegalArgumentException("need 0 <= alpha < 1, epsilon > 0, weight decay >= 0; got " + alpha + ", "
                    + epsilon + ", " + weightDecay);
        }
        this.alpha = alpha;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.squareAverage = params.ulike().assign(0);
    }

    /** PyTorch's defaults with the given weight decay. */
    public RmsProp(INDArray params, double weightDecay) {
        this(params, 0.99, 1e-8, weightDecay);
    }

    @Override
    public String name() {
        return "rmsprop";
    }

    @Override
    public void step(INDArray params, INDArray grads, double learningRate) {
        INDArray g = weightDecay == 0 ? grads : grads.add(params.mul(weightDecay));
        squareAverage.muli(alpha).addi(g.mul(g).muli(1 - alpha));
        INDArray denominator = Transforms.sqrt(squareAverage, true).addi(epsilon);
        params.subi(g.div(denominator).muli(learningRate));
        steps++;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public List<INDArray> state() {
        return List.of(squareAverage);
    }

    @Override
    public void restore(List<INDArray> state, long steps) {
        if (state.size() != 1) {
            throw new IllegalArgumentException(name() + " keeps 1 state vector, got " + state.size());
        }
        squareAverage.assign(state.get(0));
        this.steps = steps;
    }
}
