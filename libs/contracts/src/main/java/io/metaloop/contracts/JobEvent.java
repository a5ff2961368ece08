package io.metaloop.contracts;

import java.time.Instant;

/**
 * Something a trainer or evaluator reports about an experiment on {@link Topics#JOB_EVENTS}.
 *
 * @param type          what happened
 * @param worker        the replica reporting it (host name or pod)
 * @param progress      training progress (null for events without one)
 * @param metrics       latest training measurements (null for events without them)
 * @param checkpointKey object-store key of the newest complete checkpoint (null if none yet)
 * @param message       a failure's explanation (null otherwise)
 */
public record JobEvent(String experimentId, Type type, String worker, Progress progress, TrainingMetrics metrics,
                       String checkpointKey, String message, Instant at) {
    public enum Type {
        /** A trainer took the job. */
        STARTED,
        /** Periodic progress and metrics during an epoch. */
        PROGRESS,
        /** An epoch ended and its checkpoint is stored. */
        EPOCH_COMPLETED,
        /** Training finished; {@code checkpointKey} is the final model. */
        TRAINED,
        /** An evaluator took the evaluation. */
        EVALUATING,
        /** The job failed; {@code message} says why. */
        FAILED
    }

    public JobEvent {
        Messages.require("experimentId", experimentId);
        Messages.require("type", type);
        Messages.require("at", at);
    }
}
