package io.metaloop.learning.checkpoint;

import java.util.List;

/**
 * An optimiser's resumable state, whatever the optimiser: its name, the steps it has taken and its
 * state vectors in the optimiser's own order (SGD: velocity; Adam: first and second moments), each
 * as long as the parameter vector.
 */
public record OptimizerState(String name, long steps, List<float[]> vectors) {
    public OptimizerState {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("optimizer state needs the optimizer's name");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("optimizer steps must be >= 0, got " + steps);
        }
        vectors = List.copyOf(vectors);
    }
}
