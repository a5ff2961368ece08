package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.time.Instant;

/**
 * Accuracy of a checkpoint, on {@link Topics#EVAL_RESULTS}: on a whole split, or, with
 * {@code fewShot}, over the trials of a few-shot test (then {@code examples} and {@code correct}
 * count queries over all trials, and {@code accuracy} is the mean per-trial accuracy).
 *
 * @param examples how many images were classified
 * @param correct  how many of them were classified correctly
 * @param seconds  wall time of the evaluation (for a few-shot test: of its last shard's evaluator)
 * @param linear   for a linear evaluation, its settings and what the head reached (then
 *                 {@code split} is its test split and {@code accuracy} the test accuracy)
 * @param generatedLabels for a {@code maxl} checkpoint's whole-split evaluation, what its label
 *                 generator gives the split's images, per primary class
 */
public record EvalResult(String experimentId, String dataset, String split, String checkpointKey, long examples,
                         long correct, double accuracy, double seconds, String worker, Instant at,
                         @JsonInclude(JsonInclude.Include.NON_NULL)
                         @JacksonInject(value = Json.ABSENT + "fewShot", useInput = OptBoolean.TRUE) FewShotSummary fewShot,
                         @JsonInclude(JsonInclude.Include.NON_NULL)
                         @JacksonInject(value = Json.ABSENT + "linear", useInput = OptBoolean.TRUE) LinearEvalSummary linear,
                         @JsonInclude(JsonInclude.Include.NON_NULL)
                         @JacksonInject(value = Json.ABSENT + "generatedLabels", useInput = OptBoolean.TRUE)
                         GeneratedLabels generatedLabels) {
    public EvalResult {
        Messages.require("experimentId", experimentId);
        Messages.require("split", split);
        Messages.require("at", at);
        if (examples < 0 || correct < 0 || correct > examples) {
            throw new InvalidMessageException("correct", "must be in [0, examples=" + examples + "], got " + correct);
        }
    }

    /** A whole-split accuracy. */
    public EvalResult(String experimentId, String dataset, String split, String checkpointKey, long examples,
                      long correct, double accuracy, double seconds, String worker, Instant at) {
        this(experimentId, dataset, split, checkpointKey, examples, correct, accuracy, seconds, worker, at, null, null, null);
    }

    /** A whole-split accuracy or a few-shot test (fewShot null for the former). */
    public EvalResult(String experimentId, String dataset, String split, String checkpointKey, long examples,
                      long correct, double accuracy, double seconds, String worker, Instant at, FewShotSummary fewShot) {
        this(experimentId, dataset, split, checkpointKey, examples, correct, accuracy, seconds, worker, at, fewShot, null, null);
    }

    /** Whether this result completes its experiment (a whole-split result, or the experiment's own few-shot test). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean primary() {
        return fewShot == null || fewShot.primary();
    }
}
