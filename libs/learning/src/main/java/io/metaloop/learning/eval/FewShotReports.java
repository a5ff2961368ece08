package io.metaloop.learning.eval;

import io.metaloop.contracts.FewShotProtocol;
import io.metaloop.contracts.FewShotShardResult;
import io.metaloop.contracts.TrialResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Merges the shards of a few-shot evaluation: once the stored shards cover every trial of the
 * protocol, their results in trial order. Shards may be stored more than once (a shard re-run after
 * a replica died); a trial found twice must have the same result, as trials are deterministic.
 */
public final class FewShotReports {
    private FewShotReports() {
    }

    /**
     * Every trial 0 … T−1 in order, or empty while some are missing.
     *
     * @throws IllegalStateException when two stored copies of a trial disagree
     */
    public static Optional<List<TrialResult>> complete(FewShotProtocol protocol, List<FewShotShardResult> shards) {
        TreeMap<Long, TrialResult> byTrial = new TreeMap<>();
        for (FewShotShardResult shard : shards) {
            for (TrialResult t : shard.trials()) {
                TrialResult earlier = byTrial.putIfAbsent(t.trial(), t);
                if (earlier != null && !earlier.equals(t)) {
                    throw new IllegalStateException("trial " + t.trial() + " of evaluation " + shard.evaluationId()
                            + " was scored twice with different results: " + earlier + " and " + t
                            + " — the evaluation is not deterministic");
                }
            }
        }
        if (byTrial.size() != protocol.trials() || byTrial.firstKey() != 0 || byTrial.lastKey() != protocol.trials() - 1) {
            return Optional.empty();
        }
        List<TrialResult> trials = new ArrayList<>(byTrial.values());
        trials.sort(Comparator.comparingLong(TrialResult::trial));
        return Optional.of(trials);
    }

    /** The per-trial accuracies, in trial order. */
    public static double[] accuracies(List<TrialResult> trials) {
        return trials.stream().mapToDouble(TrialResult::accuracy).toArray();
    }
}
