package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An experiment's whole state, as stored (keyed by {@code id}) on the compacted
 * {@link Topics#EXPERIMENTS} topic. Immutable: each transition returns a new record with
 * {@code version} one higher, so readers can drop stale copies.
 *
 * @param result            the experiment's own test (completes it)
 * @param checkpointKey     object-store key of the newest complete checkpoint (the "last" one)
 * @param bestCheckpointKey the checkpoint of the best meta-validation so far (null without validation)
 * @param validation        every meta-validation, epoch by epoch
 * @param evaluations       every few-shot evaluation of this experiment's checkpoints (its own test and
 *                          any asked for later), in the order they finished
 * @param worker            the replica that last worked on it
 * @param error             why it failed (null unless FAILED)
 */
public record ExperimentRecord(String id, ExperimentSpec spec, ExperimentState state, Progress progress,
                               TrainingMetrics metrics, EvalResult result, String checkpointKey,
                               @JsonInclude(JsonInclude.Include.NON_NULL)
                               @JacksonInject(value = Json.ABSENT + "bestCheckpointKey", useInput = OptBoolean.TRUE)
                               String bestCheckpointKey,
                               @JacksonInject(value = Json.ABSENT + "validation", useInput = OptBoolean.TRUE)
                               List<ValidationPoint> validation,
                               @JacksonInject(value = Json.ABSENT + "evaluations", useInput = OptBoolean.TRUE)
                               List<EvalResult> evaluations,
                               String worker, String error, Instant createdAt, Instant updatedAt, long version) {
    public ExperimentRecord {
        Messages.require("id", id);
        Messages.require("spec", spec);
        Messages.require("state", state);
        Messages.require("progress", progress);
        Messages.require("createdAt", createdAt);
        Messages.require("updatedAt", updatedAt);
        validation = validation == null ? List.of() : List.copyOf(validation);
        evaluations = evaluations == null ? List.of() : List.copyOf(evaluations);
    }

    public static ExperimentRecord queued(String id, ExperimentSpec spec, Instant now) {
        return new ExperimentRecord(id, spec, ExperimentState.QUEUED, Progress.start(spec.epochs()), null, null, null,
                null, List.of(), List.of(), null, null, now, now, 1);
    }

    /** The record after a trainer's or evaluator's event. Events for a finished experiment change nothing. */
    public ExperimentRecord apply(JobEvent event) {
        if (state.isTerminal()) {
            return this;
        }
        Progress newProgress = event.progress() != null ? event.progress() : progress;
        TrainingMetrics newMetrics = event.metrics() != null ? event.metrics() : metrics;
        String newCheckpoint = event.checkpointKey() != null && event.type() != JobEvent.Type.VALIDATED
                ? event.checkpointKey() : checkpointKey;
        String newWorker = event.worker() != null ? event.worker() : worker;
        List<ValidationPoint> newValidation = validation;
        String newBest = bestCheckpointKey;
        if (event.type() == JobEvent.Type.VALIDATED) {
            // a re-sent or re-run validation of the same epoch replaces the earlier one
            List<ValidationPoint> points = new ArrayList<>(validation.stream()
                    .filter(p -> p.epoch() != event.validation().epoch()).toList());
            points.add(event.validation());
            points.sort(java.util.Comparator.comparingInt(ValidationPoint::epoch));
            newValidation = points;
            if (event.validation().best()) {
                newBest = event.validation().checkpointKey();
            }
        }
        ExperimentState newState = switch (event.type()) {
            case STARTED, PROGRESS, EPOCH_COMPLETED, VALIDATED -> state == ExperimentState.EVALUATING ? state : ExperimentState.RUNNING;
            case TRAINED, EVALUATING -> ExperimentState.EVALUATING;
            case FAILED -> ExperimentState.FAILED;
        };
        String newError = event.type() == JobEvent.Type.FAILED ? event.message() : error;
        return new ExperimentRecord(id, spec, newState, newProgress, newMetrics, result, newCheckpoint, newBest,
                newValidation, evaluations, newWorker, newError, createdAt, event.at(), version + 1);
    }

    /**
     * The record once an evaluation result is in: the experiment's own test completes it (SUCCEEDED);
     * a few-shot result, its own or one asked for later, is added to {@link #evaluations} (once per
     * evaluation id, so a re-delivered result changes nothing).
     */
    public ExperimentRecord apply(EvalResult evalResult) {
        List<EvalResult> newEvaluations = evaluations;
        if (evalResult.fewShot() != null) {
            String evaluationId = evalResult.fewShot().evaluationId();
            if (evaluations.stream().anyMatch(e -> e.fewShot() != null && e.fewShot().evaluationId().equals(evaluationId))) {
                return this;
            }
            newEvaluations = new ArrayList<>(evaluations);
            newEvaluations.add(evalResult);
        }
        if (!evalResult.primary() || state.isTerminal()) {
            if (newEvaluations == evaluations) {
                return this;
            }
            return new ExperimentRecord(id, spec, state, progress, metrics, result, checkpointKey, bestCheckpointKey,
                    validation, newEvaluations, worker, error, createdAt, evalResult.at(), version + 1);
        }
        return new ExperimentRecord(id, spec, ExperimentState.SUCCEEDED, progress, metrics, evalResult, checkpointKey,
                bestCheckpointKey, validation, newEvaluations, worker, null, createdAt, evalResult.at(), version + 1);
    }
}
