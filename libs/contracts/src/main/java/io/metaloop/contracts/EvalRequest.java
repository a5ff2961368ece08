package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.time.Instant;

/**
 * An evaluation job on {@link Topics#EVAL_REQUESTS}, taken by any idle evaluator: a checkpoint's
 * accuracy on a whole dataset split, or, with {@code fewShot}, one shard of trials of a few-shot
 * test (see {@link FewShotShard}), or, with {@code task}, the predictions on a user's own uploaded
 * task (see {@link FewShotTask}), or, with {@code linear}, a linear evaluation of the checkpoint's
 * backbone (see {@link LinearEvalJob}; {@code dataset} and {@code split} are then its dataset and
 * test split). At most one of {@code fewShot}, {@code task} and {@code linear} is set.
 * {@code normalize} is the experiment's normalisation, applied by a whole-split evaluation as in
 * training (null for none). {@code level} is the label level a whole-split evaluation scores
 * against (absent: 0, the primary labels; the auxiliary-learning family's primary level otherwise).
 */
public record EvalRequest(String experimentId, String dataset, String split, String checkpointKey, Instant requestedAt,
                          @JsonInclude(JsonInclude.Include.NON_NULL)
                          @JacksonInject(value = Json.ABSENT + "fewShot", useInput = OptBoolean.TRUE) FewShotShard fewShot,
                          @JsonInclude(JsonInclude.Include.NON_NULL)
                          @JacksonInject(value = Json.ABSENT + "task", useInput = OptBoolean.TRUE) FewShotTask task,
                          @JsonInclude(JsonInclude.Include.NON_NULL)
                          @JacksonInject(value = Json.ABSENT + "linear", useInput = OptBoolean.TRUE) LinearEvalJob linear,
                          @JsonInclude(JsonInclude.Include.NON_NULL)
                          @JacksonInject(value = Json.ABSENT + "normalize", useInput = OptBoolean.TRUE)
                          io.metaloop.contracts.spec.Normalization normalize,
                          @JsonInclude(JsonInclude.Include.NON_NULL)
                          @JacksonInject(value = Json.ABSENT + "level", useInput = OptBoolean.TRUE) Integer level) {
    public EvalRequest {
        if (level != null && (level < 0 || level > 0xFFFF)) {
            throw new InvalidMessageException("level", "must be in 0..65535, got " + level);
        }
        Messages.require("experimentId", experimentId);
        Messages.require("dataset", dataset);
        Messages.require("split", split);
        Messages.require("checkpointKey", checkpointKey);
        Messages.require("requestedAt", requestedAt);
        if (normalize != null) {
            io.metaloop.contracts.spec.Checks checks = new io.metaloop.contracts.spec.Checks();
            normalize.check("normalize", checks);
            if (!checks.ok()) {
                throw new InvalidMessageException(checks.errors());
            }
        }
        if ((fewShot != null ? 1 : 0) + (task != null ? 1 : 0) + (linear != null ? 1 : 0) > 1) {
            throw new InvalidMessageException(linear != null ? "linear" : "task",
                    "an evaluation is one of a few-shot shard, a user's task or a linear evaluation");
        }
    }

    /** A few-shot shard or a user's task (one of them null). */
    public EvalRequest(String experimentId, String dataset, String split, String checkpointKey, Instant requestedAt,
                       FewShotShard fewShot, FewShotTask task) {
        this(experimentId, dataset, split, checkpointKey, requestedAt, fewShot, task, null, null, null);
    }

    /** A linear evaluation of the checkpoint's backbone. */
    public static EvalRequest linear(String experimentId, String checkpointKey, Instant requestedAt, LinearEvalJob linear) {
        return new EvalRequest(experimentId, linear.settings().dataset(), linear.settings().testSplit(), checkpointKey,
                requestedAt, null, null, linear, null, null);
    }

    /** A whole-split evaluation ({@code fewShot} null) or one shard of a few-shot test. */
    public EvalRequest(String experimentId, String dataset, String split, String checkpointKey, Instant requestedAt,
                       FewShotShard fewShot) {
        this(experimentId, dataset, split, checkpointKey, requestedAt, fewShot, null, null, null, null);
    }

    /** A whole-split accuracy evaluation of images without normalisation. */
    public EvalRequest(String experimentId, String dataset, String split, String checkpointKey, Instant requestedAt) {
        this(experimentId, dataset, split, checkpointKey, requestedAt, null, null, null, null, null);
    }

    /** A whole-split accuracy evaluation, the images normalised as in training. */
    public static EvalRequest wholeSplit(String experimentId, String dataset, String split, String checkpointKey,
                                         Instant requestedAt, io.metaloop.contracts.spec.Normalization normalize) {
        return new EvalRequest(experimentId, dataset, split, checkpointKey, requestedAt, null, null, null, normalize, null);
    }

    /** A whole-split accuracy evaluation against the labels of {@code level}, the images normalised as in training. */
    public static EvalRequest wholeSplit(String experimentId, String dataset, String split, String checkpointKey,
                                         Instant requestedAt, io.metaloop.contracts.spec.Normalization normalize, int level) {
        return new EvalRequest(experimentId, dataset, split, checkpointKey, requestedAt, null, null, null, normalize, level);
    }

    /** The label level a whole-split evaluation scores against: {@code level}, or 0 when absent. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public int labelLevel() {
        return level == null ? 0 : level;
    }
}
