package io.metaloop.learning.optim;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam (Kingma &amp; Ba) over a flat parameter vector, as {@code torch.optim.Adam}: defaults
 * β=(0.9, 0.999), ε=1e-8, and weight decay as an L2 term added to the gradient.
 */
public final class Adam implements Optimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final INDArray firstMoment;
    private final INDArray secondMoment;
    private long step;

    /** PyTorch's defaults, no weight decay. */
    public Adam(INDArray params) {
        this(params, 0.9, 0.999, 1e-8, 0);
    }

    public Adam(INDArray params, double beta1, double beta2, double epsilon, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.firstMoment = params.ulike().assign(0);
        this.secondMoment = params.ulike().assign(0);
    }

    @Override
    public String name() {
        return "adam";
    }

    /** params ← params − lr · m̂ / (√v̂ + ε), in place. */
    @Override
    public void step(INDArray params, INDArray grads, double rate) {
        INDArray g = weightDecay == 0 ? grads : grads.add(params.mul(weightDecay));
        step++;
        firstMoment.muli(beta1).addi(g.mul(1 - beta1));
        secondMoment.muli(beta2).addi(g.mul(g).muli(1 - beta2));
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        INDArray denominator = Transforms.sqrt(secondMoment.div(correction2), false).addi(epsilon);
        params.subi(firstMoment.div(correction1).divi(denominator).muli(rate));
    }

    @Override
    public long steps() {
        return step;
    }

    /** First and second moments. */
    @Override
    public List<INDArray> state() {
        return List.of(firstMoment, secondMoment);
    }

    @Override
    public void restore(List<INDArray> state, long steps) {
        if (state.size() != 2) {
            throw new IllegalArgumentException(name() + " keeps 2 state vectors, got " + state.size());
        }
        firstMoment.assign(state.get(0));
        secondMoment.assign(state.get(1));
        step = steps;
    }
}
