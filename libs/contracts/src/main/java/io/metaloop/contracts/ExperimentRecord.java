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
 * @param attempt           the current attempt (fencing epoch) of its training: 1 when submitted, one more
 *                          each time a lease lapses or a worker hands the job back; events of an older attempt
 *                          are refused ({@link #isStale})
 * @param attempts          every attempt so far, with why each one that did not finish ended
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
                               String worker, String error, Instant createdAt, Instant updatedAt, long version,
                               @JacksonInject(value = Json.ABSENT + "attempt", useInput = OptBoolean.TRUE) Integer attempt,
                               @JacksonInject(value = Json.ABSENT + "attempts", useInput = OptBoolean.TRUE)
                               List<Attempt> attempts) {
    public ExperimentRecord {
        Messages.require("id", id);
        Messages.require("spec", spec);
        Messages.require("state", state);
        Messages.require("progress", progress);
        Messages.require("createdAt", createdAt);
        Messages.require("updatedAt", updatedAt);
        validation = validation == null ? List.of() : List.copyOf(validation);
        evaluations = evaluations == null ? List.of() : List.copyOf(evaluations);
        attempt = attempt == null ? 1 : attempt;
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    public static ExperimentRecord queued(String id, ExperimentSpec spec, Instant now) {
        return new ExperimentRecord(id, spec, ExperimentState.QUEUED, Progress.start(spec.epochs()), null, null, null,
                null, List.of(), List.of(), null, null, now, now, 1, 1, List.of(new Attempt(1, null, null, null)));
    }

    /** True when the event comes from an attempt older than the current one: its worker lost the lease. */
    public boolean isStale(JobEvent event) {
        return event.attempt() > 0 && event.attempt() < attempt;
    }

    /**
     * The record after a trainer's or evaluator's event. Events for a finished experiment, and events
     * of a superseded attempt ({@link #isStale}), change nothing; a HEARTBEAT changes nothing either
     * (the gateway keeps lease times in memory). An event of a newer attempt makes it the current one.
     */
    public ExperimentRecord apply(JobEvent event) {
        if (state.isTerminal() || isStale(event) || event.type() == JobEvent.Type.HEARTBEAT
                || event.type() == JobEvent.Type.RELEASED) {
            return this;
        }
        int newAttempt = Math.max(attempt, event.attempt());
        List<Attempt> newAttempts = attempts;
        if (event.type() == JobEvent.Type.STARTED && event.attempt() > 0) {
            newAttempts = new ArrayList<>(attempts.stream().filter(a -> a.number() != event.attempt()).toList());
            newAttempts.add(new Attempt(event.attempt(), event.worker(), event.at(), null));
            newAttempts.sort(java.util.Comparator.comparingInt(Attempt::number));
        }
        if (event.type() == JobEvent.Type.FAILED && event.attempt() > 0) {
            newAttempts = attempts.stream().map(a -> a.number() == event.attempt() && a.ended() == null
                    ? a.ended("failed: " + event.message()) : a).toList();
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
            case HEARTBEAT, RELEASED -> state; // returned unchanged above
        };
        String newError = event.type() == JobEvent.Type.FAILED ? event.message() : error;
        return new ExperimentRecord(id, spec, newState, newProgress, newMetrics, result, newCheckpoint, newBest,
                newValidation, evaluations, newWorker, newError, createdAt, event.at(), version + 1, newAttempt, newAttempts);
    }

    /**
     * The record once the current attempt ended unfinished ({@code reason}: its lease lapsed, or its
     * worker handed it back): back to QUEUED as the next attempt, or FAILED listing every attempt when
     * {@code maxAttempts} have been used. A finished experiment, or one not running, is unchanged.
     */
    public ExperimentRecord attemptEnded(String reason, int maxAttempts, Instant now) {
        if (state != ExperimentState.RUNNING) {
            return this;
        }
        List<Attempt> ended = new ArrayList<>(attempts.stream()
                .map(a -> a.number() == attempt && a.ended() == null ? a.ended(reason) : a).toList());
        if (ended.stream().noneMatch(a -> a.number() == attempt)) {
            ended.add(new Attempt(attempt, worker, null, reason));
        }
        if (attempt >= maxAttempts) {
            String all = String.join("; ", ended.stream().map(Attempt::toString).toList());
            return new ExperimentRecord(id, spec, ExperimentState.FAILED, progress, metrics, result, checkpointKey,
                    bestCheckpointKey, validation, evaluations, worker, "gave up after " + attempt + " attempts (the limit): " + all,
                    createdAt, now, version + 1, attempt, ended);
        }
        ended.add(new Attempt(attempt + 1, null, null, null));
        return new ExperimentRecord(id, spec, ExperimentState.QUEUED, progress, metrics, result, checkpointKey,
                bestCheckpointKey, validation, evaluations, worker, error, createdAt, now, version + 1, attempt + 1, ended);
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
                    validation, newEvaluations, worker, error, createdAt, evalResult.at(), version + 1, attempt, attempts);
        }
        return new ExperimentRecord(id, spec, ExperimentState.SUCCEEDED, progress, metrics, evalResult, checkpointKey,
                bestCheckpointKey, validation, newEvaluations, worker, null, createdAt, evalResult.at(), version + 1, attempt,
                attempts);
    }
}
