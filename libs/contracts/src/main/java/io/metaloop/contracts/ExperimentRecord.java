package io.metaloop.contracts;

import java.time.Instant;

/**
 * An experiment's whole state, as stored (keyed by {@code id}) on the compacted
 * {@link Topics#EXPERIMENTS} topic. Immutable: each transition returns a new record with
 * {@code version} one higher, so readers can drop stale copies.
 *
 * @param checkpointKey object-store key of the newest complete checkpoint
 * @param worker        the replica that last worked on it
 * @param error         why it failed (null unless FAILED)
 */
public record ExperimentRecord(String id, ExperimentSpec spec, ExperimentState state, Progress progress,
                               TrainingMetrics metrics, EvalResult result, String checkpointKey, String worker,
                               String error, Instant createdAt, Instant updatedAt, long version) {
    public ExperimentRecord {
        Messages.require("id", id);
        Messages.require("spec", spec);
        Messages.require("state", state);
        Messages.require("progress", progress);
        Messages.require("createdAt", createdAt);
        Messages.require("updatedAt", updatedAt);
    }

    public static ExperimentRecord queued(String id, ExperimentSpec spec, Instant now) {
        return new ExperimentRecord(id, spec, ExperimentState.QUEUED, Progress.start(spec.epochs()), null, null, null,
                null, null, now, now, 1);
    }

    /** The record after a trainer's or evaluator's event. Events for a finished experiment change nothing. */
    public ExperimentRecord apply(JobEvent event) {
        if (state.isTerminal()) {
            return this;
        }
        Progress newProgress = event.progress() != null ? event.progress() : progress;
        TrainingMetrics newMetrics = event.metrics() != null ? event.metrics() : metrics;
        String newCheckpoint = event.checkpointKey() != null ? event.checkpointKey() : checkpointKey;
        String newWorker = event.worker() != null ? event.worker() : worker;
        ExperimentState newState = switch (event.type()) {
            case STARTED, PROGRESS, EPOCH_COMPLETED -> state == ExperimentState.EVALUATING ? state : ExperimentState.RUNNING;
            case TRAINED, EVALUATING -> ExperimentState.EVALUATING;
            case FAILED -> ExperimentState.FAILED;
        };
        String newError = event.type() == JobEvent.Type.FAILED ? event.message() : error;
        return new ExperimentRecord(id, spec, newState, newProgress, newMetrics, result, newCheckpoint, newWorker,
                newError, createdAt, event.at(), version + 1);
    }

    /** The record once its evaluation is in: SUCCEEDED with the result. */
    public ExperimentRecord apply(EvalResult evalResult) {
        if (state.isTerminal()) {
            return this;
        }
        return new ExperimentRecord(id, spec, ExperimentState.SUCCEEDED, progress, metrics, evalResult, checkpointKey,
                worker, null, createdAt, evalResult.at(), version + 1);
    }
}
