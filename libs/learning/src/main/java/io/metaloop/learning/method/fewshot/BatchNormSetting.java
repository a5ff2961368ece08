package io.metaloop.learning.method.fewshot;

import io.metaloop.learning.nn.Mode;

/**
 * How batch normalisation behaves in an episode: PyTorch-MAML's three settings (seeds.md §3.7).
 *
 * <ul>
 * <li>{@link #TRANSDUCTIVE} ({@code track_running_stats: False}, the original MAML): the support set
 *     is normalised with its own statistics, the query set with the statistics of the whole query
 *     set, in training and at test; nothing is stored. A query's prediction depends on the other queries.
 * <li>{@link #INDUCTIVE} (running statistics, not episodic): in meta-training every support forward
 *     normalises with batch statistics and folds them into the global running statistics (momentum
 *     0.1), and queries are normalised with the running statistics; at test, support and query
 *     both use the stored statistics, which nothing updates.
 * <li>{@link #INDUCTIVE_EPISODIC} (running statistics, episodic): at the start of every episode the
 *     statistics are reset (mean 0, variance 1); each of the n inner-loop support forwards
 *     normalises with batch statistics and updates them with momentum 0.1, and the queries are
 *     normalised with them, in training and at test; the global statistics are left as they were.
 *     Kept exactly as the seed keeps them: after n steps the stored mean is only about (1 − 0.9ⁿ) of
 *     the support mean — 0.41 after 5 steps, 0.65 after 10 — and the variance 0.9ⁿ·1 + (1 − 0.9ⁿ)·the
 *     support variance, the rest being the reset values.
 * </ul>
 *
 * <p>Running statistics are constants to the meta-gradient (PyTorch updates them outside the
 * autograd graph), so gradients flow only through batch statistics.
 */
public enum BatchNormSetting {
    TRANSDUCTIVE,
    INDUCTIVE,
    INDUCTIVE_EPISODIC;

    /** The setting of a spec's name: transductive, inductive or inductive-episodic. */
    public static BatchNormSetting of(String name) {
        return switch (name) {
            case "transductive" -> TRANSDUCTIVE;
            case "inductive" -> INDUCTIVE;
            case "inductive-episodic" -> INDUCTIVE_EPISODIC;
            default -> throw new IllegalArgumentException("unknown batch-norm setting '" + name
                    + "'; known: transductive, inductive, inductive-episodic");
        };
    }

    /** The mode of the inner loop's support forwards (meta-training when {@code training}, else test). */
    public Mode supportMode(boolean training) {
        return switch (this) {
            case TRANSDUCTIVE -> Mode.EPISODE;
            case INDUCTIVE -> training ? Mode.TRAIN : Mode.EVAL;
            case INDUCTIVE_EPISODIC -> Mode.TRAIN;
        };
    }

    /** The mode of the query forward. */
    public Mode queryMode() {
        return this == TRANSDUCTIVE ? Mode.EPISODE : Mode.EVAL;
    }

    /**
     * The mode that recomputes a support gradient for a Hessian-vector product: the same function
     * of the parameters as {@link #supportMode}, leaving the running statistics alone.
     */
    public Mode recomputeMode(boolean training) {
        Mode mode = supportMode(training);
        return mode == Mode.TRAIN ? Mode.EPISODE : mode;
    }

    /** Whether the statistics are reset for every episode (and the global ones put back after it). */
    public boolean episodic() {
        return this == INDUCTIVE_EPISODIC;
    }
}
