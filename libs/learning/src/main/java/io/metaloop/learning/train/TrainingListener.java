package io.metaloop.learning.train;

/** Receives what the training loop does; the services turn this into events and metrics. */
public interface TrainingListener {
    void onStep(StepReport report);

    /** An epoch ended and its checkpoint was stored under {@code checkpointKey}. */
    void onEpochEnd(int epochsDone, long stepsPerEpoch, String checkpointKey);

    /** The model after {@code epochsDone} epochs was validated; {@code best} when no earlier epoch scored higher. */
    default void onValidation(int epochsDone, Validation.Score score, boolean best) {
    }
}
