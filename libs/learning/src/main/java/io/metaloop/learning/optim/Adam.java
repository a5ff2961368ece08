package io.metaloop.learning.optim;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam (Kingma &amp; Ba) over a flat parameter vector, as {@code torch.optim.Adam}: defaults
 * β=(0.9, 0.999), ε=1e-8, and weight decay as an L2 term added to the gradient.
 */
public final class Adam implements Optimizer {
    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final INDArray firstMoment;
    private final INDArray secondMoment;
    private long step;

    public Adam(INDArray params, double learningRate) {
        this(params, learningRate, 0.9, 0.999, 1e-8, 0);
    }

    /** @param learningRate the rate {@link #step(INDArray, INDArray)} uses; a schedule passes its own */
    public Adam(INDArray params, double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.firstMoment = params.ulike().assign(0);
        this.secondMoment = params.ulike().assign(0);
    }

    /** A step at the rate given at construction. */
    public void step(INDArray params, INDArray grads) {
        step(params, grads, learningRate);
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
    public String name() {
        return "adam";
    }

    @Override
    public long steps() {
        return step;
    }

    public INDArray firstMoment() {
        return firstMoment;
    }

    public INDArray secondMoment() {
        return secondMoment;
    }

    @Override
    public List<INDArray> state() {
        return List.of(firstMoment, secondMoment);
    }

    @Override
    public void restore(List<INDArray> state, long steps) {
        if (state.size() != 2) {
            throw new IllegalArgumentException(name() + " keeps 2 state vectors, got " + state.size());
        }
        restore(state.get(0), state.get(1), steps);
    }

    /** Restores state saved from {@link #firstMoment()}, {@link #secondMoment()} and {@link #steps()}. */
    public void restore(INDArray first, INDArray second, long steps) {
        firstMoment.assign(first);
        secondMoment.assign(second);
        step = steps;
    }
}
