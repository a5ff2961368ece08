package io.metaloop.learning.nn;

/**
 * How a forward pass treats batch normalisation. Only {@link BatchNorm2d} distinguishes the modes;
 * every other layer computes the same function in all three.
 */
public enum Mode {
    /**
     * Ordinary training: normalise with the current batch's statistics and fold them into the
     * running statistics. The output, and so the gradient, depends on the whole batch.
     */
    TRAIN,
    /**
     * Inference: normalise with the running statistics; nothing is updated. Each example's output
     * depends on that example alone.
     */
    EVAL,
    /**
     * One episode of meta-learning (MAML's "transductive" batch norm): normalise with the current
     * batch's statistics, the episode's support or query set, as {@link #TRAIN} does, but leave the
     * running statistics untouched, so adapting to an episode leaves no trace in the buffers. The
     * gradient is TRAIN's: it flows through the batch statistics.
     */
    EPISODE;

    /** Whether batch normalisation uses the current batch's mean and variance (rather than the running ones). */
    public boolean usesBatchStatistics() {
        return switch (this) {
            case TRAIN, EPISODE -> true;
            case EVAL -> false;
        };
    }

    /** Whether batch normalisation folds the batch's statistics into its running statistics. */
    public boolean updatesRunningStatistics() {
        return this == TRAIN;
    }
}
