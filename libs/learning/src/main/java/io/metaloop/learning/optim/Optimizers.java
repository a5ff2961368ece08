package io.metaloop.learning.optim;

import io.metaloop.contracts.spec.OptimizerSpec;
import io.metaloop.contracts.spec.ScheduleSpec;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Optimisers and learning-rate schedules from an experiment's {@link OptimizerSpec}. */
public final class Optimizers {
    private Optimizers() {
    }

    /**
     * The optimiser the spec names, for a parameter vector: {@link Sgd} (its momentum and Nesterov
     * flag), {@link Adam} (β 0.9/0.999, ε 1e-8) or {@link RmsProp} (α 0.99, ε 1e-8), each with the
     * spec's weight decay as an L2 term.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static Function<INDArray, Optimizer> factory(OptimizerSpec spec) {
        double decay = spec.weightDecay() == null ? 0 : spec.weightDecay();
        return switch (spec.name()) {
            case "sgd" -> params -> new Sgd(params, spec.momentum() == null ? 0 : spec.momentum(),
                    Boolean.TRUE.equals(spec.nesterov()), decay);
            case "adam" -> params -> new Adam(params, 0.9, 0.999, 1e-8, decay);
            case "rmsprop" -> params -> new RmsProp(params, decay);
            default -> throw new IllegalArgumentException("unknown optimizer '" + spec.name() + "'; known: " + OptimizerSpec.NAMES);
        };
    }

    /**
     * The rate at epoch t of a run of {@code epochs} epochs (cosine and linear reach the minimum at
     * the end of the run).
     */
    public static LearningRateSchedule schedule(OptimizerSpec spec, int epochs) {
        ScheduleSpec s = spec.schedule() == null ? ScheduleSpec.CONSTANT.withDefaults() : spec.schedule().withDefaults();
        double base = spec.learningRate();
        return switch (s.name()) {
            case "constant" -> new LearningRateSchedule.Constant(base);
            case "step" -> new LearningRateSchedule.Step(base, s.stepSize(), s.gamma());
            case "multistep" -> new LearningRateSchedule.MultiStep(base,
                    s.milestones().stream().mapToLong(Integer::longValue).toArray(), s.gamma());
            case "cosine" -> new LearningRateSchedule.Cosine(base, epochs, s.minimum());
            case "linear" -> new LearningRateSchedule.Linear(base, epochs, s.minimum());
            default -> throw new IllegalArgumentException("unknown schedule '" + s.name() + "'; known: " + ScheduleSpec.NAMES);
        };
    }
}
