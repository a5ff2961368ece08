package io.metaloop.contracts;

import java.util.List;

/**
 * The stored outcome of one shard of a few-shot evaluation ({@code reports/<experiment>/<evaluation>/shard-…json}):
 * every trial of [fromTrial, toTrial), in trial order.
 *
 * @param seconds wall time of the shard on its evaluator
 */
public record FewShotShardResult(String experimentId, String evaluationId, long fromTrial, long toTrial,
                                 List<TrialResult> trials, String worker, double seconds) {
    public FewShotShardResult {
        Messages.require("experimentId", experimentId);
        Messages.require("evaluationId", evaluationId);
        Messages.require("trials", trials);
        trials = List.copyOf(trials);
        if (trials.size() != toTrial - fromTrial) {
            throw new InvalidMessageException("trials", "holds " + trials.size() + " trials for the range [" + fromTrial + ", "
                    + toTrial + ")");
        }
        for (int i = 0; i < trials.size(); i++) {
            if (trials.get(i).trial() != fromTrial + i) {
                throw new InvalidMessageException("trials[" + i + "].trial", "is " + trials.get(i).trial() + ", expected "
                        + (fromTrial + i));
            }
        }
    }
}
