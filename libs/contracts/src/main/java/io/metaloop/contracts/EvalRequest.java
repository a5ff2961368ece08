package io.metaloop.contracts;

import java.time.Instant;

/** Measure a trained checkpoint's accuracy on a dataset split; on {@link Topics#EVAL_REQUESTS}. */
public record EvalRequest(String experimentId, String dataset, String split, String checkpointKey, Instant requestedAt) {
    public EvalRequest {
        Messages.require("experimentId", experimentId);
        Messages.require("dataset", dataset);
        Messages.require("split", split);
        Messages.require("checkpointKey", checkpointKey);
        Messages.require("requestedAt", requestedAt);
    }
}
