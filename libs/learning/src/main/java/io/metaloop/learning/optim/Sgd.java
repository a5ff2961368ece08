package io.metaloop.learning.optim;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stochastic gradient descent as PyTorch's {@code torch.optim.SGD} defines it (dampening 0):
 * <pre>
 *   g ← g + λ·p                       (weight decay λ, an L2 term)
 *   v ← μ·v + g                       (momentum μ; v starts as g at the first step)
 *   p ← p − η·(g + μ·v)  with Nesterov, else  p ← p − η·v
 * </pre>
 * Without momentum it is plain {@code p ← p − η·g}.
 */
public final class Sgd implements Optimizer {
    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;
    private final INDArray velocity;
    private long steps;

    public Sgd(INDArray params, double momentum, boolean nesterov, double weightDecay) {
        if (momentum < 0 || weightDecay < 0) {
            throw new IllegalArgumentException("momentum and weight decay must be >= 0, got " + momentum + ", " + weightDecay);
        }
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("Nesterov momentum needs momentum > 0");
        }
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
        this.velocity = params.ulike().assign(0);
    }

    public static Sgd plain(INDArray params) {
        return new Sgd(params, 0, false, 0);
    }

    @Override
    public void step(INDArray params, INDArray grads, double learningRate) {
        INDArray g = weightDecay == 0 ? grads.dup() : grads.add(params.mul(weightDecay));
        if (momentum != 0) {
            if (steps == 0) {
                velocity.assign(g);
            } else {
                velocity.muli(momentum).addi(g);
            }
            if (nesterov) {
                g.addi(velocity.mul(momentum));
            } else {
                g.assign(velocity);
            }
        }
        params.subi(g.muli(learningRate));
        steps++;
    }

    /**
     * The parameters {@link #step} would produce, without taking the step: θ⁺ = θ − η·u with u the
     * update above (weight decay, momentum and Nesterov included, the velocity as it is now). MAXL's
     * virtual step (seeds.md §1.6–1.7: the seed's first-order script steps θ − α(μ·v + g + λ·θ)).
     *
     * @return a new vector θ⁺, laid out like {@code params}
     */
    public INDArray lookahead(INDArray params, INDArray grads, double learningRate) {
        INDArray g = weightDecay == 0 ? grads.dup() : grads.add(params.mul(weightDecay));
        if (momentum != 0) {
            INDArray v = steps == 0 ? g.dup() : velocity.mul(momentum).addi(g);
            if (nesterov) {
                g.addi(v.muli(momentum));
            } else {
                g = v;
            }
        }
        return params.sub(g.muli(learningRate));
    }

    /**
     * dθ⁺/dg of {@link #lookahead} divided by −η: 1, or 1 + μ with Nesterov momentum (the gradient
     * enters the update once directly and once through the velocity).
     */
    public double gradientScale() {
        return nesterov ? 1 + momentum : 1;
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public List<INDArray> state() {
        return List.of(velocity);
    }

    @Override
    public void restore(List<INDArray> state, long steps) {
        if (state.size() != 1) {
            throw new IllegalArgumentException(name() + " keeps 1 state vector, got " + state.size());
        }
        velocity.assign(state.get(0));
        this.steps = steps;
    }
}
