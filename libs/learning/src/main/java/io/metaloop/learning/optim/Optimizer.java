package io.metaloop.learning.optim;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Updates a flat parameter vector from its gradient. The learning rate comes with every step, so
 * a {@link LearningRateSchedule} is applied by the caller and an optimiser holds only its own
 * state (momentum, moments) — which is all a checkpoint needs to resume it exactly.
 */
public interface Optimizer {
    /** The name checkpoints record, so a state is never restored into a different optimiser. */
    String name();

    /** One update of {@code params}, in place; {@code grads} is left as it was. */
    void step(INDArray params, INDArray grads, double learningRate);

    /** Steps taken so far. */
    long steps();

    /** The state vectors, in a fixed order (live views: copy them to keep them). */
    List<INDArray> state();

    /** Puts back state saved from {@link #state()} and {@link #steps()}. */
    void restore(List<INDArray> state, long steps);
}
