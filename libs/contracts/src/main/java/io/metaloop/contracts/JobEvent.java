package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
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
 * @param validation    the meta-validation of a VALIDATED event (null otherwise)
 * @param attempt       the fencing epoch: the {@link TrainJob#attempt()} the reporting worker runs; the
 *                      gateway refuses an event whose attempt is older than the experiment's current one
 *                      (a worker that lost its lease). 0 for events not tied to an attempt (the gateway's own,
 *                      evaluators', and those stored before attempts existed).
 */
public record JobEvent(String experimentId, Type type, String worker, Progress progress, TrainingMetrics metrics,
                       String checkpointKey, String message, Instant at,
                       @JsonInclude(JsonInclude.Include.NON_NULL)
                       @JacksonInject(value = Json.ABSENT + "validation", useInput = OptBoolean.TRUE) ValidationPoint validation,
                       @JacksonInject(value = Json.ABSENT + "attempt", useInput = OptBoolean.TRUE) Integer attempt) {
    public enum Type {
        /** A trainer took the job. */
        STARTED,
        /** Periodic progress and metrics during an epoch. */
        PROGRESS,
        /** An epoch ended and its checkpoint is stored. */
        EPOCH_COMPLETED,
        /** The model after an epoch was meta-validated ({@code validation}). */
        VALIDATED,
        /** Training finished; {@code checkpointKey} is the final model. */
        TRAINED,
        /** An evaluator took the evaluation. */
        EVALUATING,
        /** The job failed; {@code message} says why. */
        FAILED,
        /** The worker still runs its attempt: renews the attempt's lease (every few seconds, changes no state). */
        HEARTBEAT,
        /** The worker gave its attempt up unfinished (it is shutting down); the gateway queues the next attempt. */
        RELEASED
    }

    public JobEvent {
        Messages.require("experimentId", experimentId);
        Messages.require("type", type);
        Messages.require("at", at);
        if (type == Type.VALIDATED && validation == null) {
            throw new InvalidMessageException("validation", "is required for a VALIDATED event");
        }
        attempt = attempt == null ? 0 : attempt;
        if (attempt < 0) {
            throw new InvalidMessageException("attempt", "must be 0 (none) or a positive attempt number, got " + attempt);
        }
    }

    /** An event without a validation, not tied to an attempt. */
    public JobEvent(String experimentId, Type type, String worker, Progress progress, TrainingMetrics metrics,
                    String checkpointKey, String message, Instant at) {
        this(experimentId, type, worker, progress, metrics, checkpointKey, message, at, null, 0);
    }

    /** An event not tied to an attempt. */
    public JobEvent(String experimentId, Type type, String worker, Progress progress, TrainingMetrics metrics,
                    String checkpointKey, String message, Instant at, ValidationPoint validation) {
        this(experimentId, type, worker, progress, metrics, checkpointKey, message, at, validation, 0);
    }

    /** This event as reported by the worker running {@code attemptNumber}. */
    public JobEvent withAttempt(int attemptNumber) {
        return new JobEvent(experimentId, type, worker, progress, metrics, checkpointKey, message, at, validation, attemptNumber);
    }
}
