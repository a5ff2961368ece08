package io.metaloop.contracts;

import java.time.Instant;

/**
 * Accuracy of a checkpoint on a split, on {@link Topics#EVAL_RESULTS}.
 *
 * @param examples how many images were classified (the whole split)
 * @param correct  how many of them were classified correctly
 * @param seconds  wall time of the evaluation
 */
public record EvalResult(String experimentId, String dataset, String split, String checkpointKey, long examples,
                         long correct, double accuracy, double seconds, String worker, Instant at) {
    public EvalResult {
        Messages.require("experimentId", experimentId);
        Messages.require("split", split);
        Messages.require("at", at);
        if (examples < 0 || correct < 0 || correct > examples) {
            throw new InvalidMessageException("correct", "must be in [0, examples=" + examples + "], got " + correct);
        }
    }
}
