package io.metaloop.contracts;

public enum ExperimentState {
    /** Submitted; waiting for an idle trainer. */
    QUEUED,
    /** A trainer is training it. */
    RUNNING,
    /** Trained; an evaluator is measuring the checkpoint on the test split. */
    EVALUATING,
    SUCCEEDED,
    FAILED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED;
    }
}
