package io.metaloop.learning.nn;

/** How a forward pass treats batch normalisation. */
public enum Mode {
    /** Normalise with the batch's statistics and fold them into the running statistics. */
    TRAIN,
    /** Normalise with the running statistics; nothing is updated. */
    EVAL
}
