package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.time.Instant;

/**
 * An evaluation job on {@link Topics#EVAL_REQUESTS}, taken by any idle evaluator: a checkpoint's
 * accuracy on a whole dataset split, or, with {@code fewShot}, one shard of trials of a few-shot
 * test (see {@link FewShotShard}), or, with {@code task}, the predictions on a user's own uploaded
 * task (see {@link FewShotTask}). At most one of {@code fewShot} and {@code task} is set.
 */
public record EvalRequest(String experimentId, String dataset, String split, String checkpointKey, Instant requestedAt,
                          @JsonInclude(JsonInclude.Include.NON_NULL)
                          @JacksonInject(value = Json.ABSENT + "fewShot", useInput = OptBoolean.TRUE) FewShotShard fewShot,
                          @JsonInclude(JsonInclude.Include.NON_NULL)
                          @JacksonInject(value = Json.ABSENT + "task", useInput = OptBoolean.TRUE) FewShotTask task) {
    public EvalRequest {
        Messages.require("experimentId", experimentId);
        Messages.require("dataset", dataset);
        Messages.require("split", split);
        Messages.require("checkpointKey", checkpointKey);
        Messages.require("requestedAt", requestedAt);
        if (fewShot != null && task != null) {
            throw new InvalidMessageException("task", "an evaluation is a few-shot shard or a user's task, not both");
        }
    }

    /** A whole-split evaluation ({@code fewShot} null) or one shard of a few-shot test. */
    public EvalRequest(String experimentId, String dataset, String split, String checkpointKey, Instant requestedAt,
                       FewShotShard fewShot) {
        this(experimentId, dataset, split, checkpointKey, requestedAt, fewShot, null);
    }

    /** A whole-split accuracy evaluation. */
    public EvalRequest(String experimentId, String dataset, String split, String checkpointKey, Instant requestedAt) {
        this(experimentId, dataset, split, checkpointKey, requestedAt, null, null);
    }
}
