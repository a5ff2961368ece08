package io.metaloop.learning.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Adam (Kingma &amp; Ba) over a flat parameter vector, with PyTorch's defaults β=(0.9, 0.999), ε=1e-8. */
public final class Adam {
    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final INDArray firstMoment;
    private final INDArray secondMoment;
    private long step;

    public Adam(INDArray params, double learningRate) {
        this(params, learningRate, 0.9, 0.999, 1e-8);
    }

    public Adam(INDArray params, double learningRate, double beta1, double beta2, double epsilon) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.firstMoment = params.ulike().assign(0);
        this.secondMoment = params.ulike().assign(0);
    }

    /** params ← params − lr · m̂ / (√v̂ + ε), in place. */
    public void step(INDArray params, INDArray grads) {
        step++;
        firstMoment.muli(beta1).addi(grads.mul(1 - beta1));
        secondMoment.muli(beta2).addi(grads.mul(grads).muli(1 - beta2));
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        INDArray denominator = Transforms.sqrt(secondMoment.div(correction2), false).addi(epsilon);
        params.subi(firstMoment.div(correction1).divi(denominator).muli(learningRate));
    }

    public long steps() {
        return step;
    }

    public INDArray firstMoment() {
        return firstMoment;
    }

    public INDArray secondMoment() {
        return secondMoment;
    }

    /** Restores state saved from {@link #firstMoment()}, {@link #secondMoment()} and {@link #steps()}. */
    public void restore(INDArray first, INDArray second, long steps) {
        firstMoment.assign(first);
        secondMoment.assign(second);
        step = steps;
    }
}
