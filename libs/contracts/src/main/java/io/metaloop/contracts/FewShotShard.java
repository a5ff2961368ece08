package io.metaloop.contracts;

import io.metaloop.contracts.spec.Checks;
import io.metaloop.contracts.spec.EvaluationSpec;

/**
 * The few-shot part of an {@link EvalRequest}: trials {@code [fromTrial, toTrial)} of one
 * evaluation, a shard that any evaluator replica may take. Shards of an evaluation are scored
 * independently and merged, in trial order, into one report when the last is in.
 *
 * @param evaluationId identifies the evaluation across its shards
 * @param primary      whether it is the experiment's own test (its result completes the experiment)
 * @param evaluation   the test settings (shape, inner steps, batch norm, head, interval)
 * @param protocol     the frozen protocol the episodes come from
 * @param spec         the experiment, to rebuild its method around the checkpoint
 * @param dataset      the catalogue entry of the experiment's training dataset (image shape, classes)
 * @param checkpoint   which checkpoint {@code EvalRequest.checkpointKey} is: "best" or "last"
 * @param shards       how many shards the evaluation has
 */
public record FewShotShard(String evaluationId, boolean primary, EvaluationSpec evaluation, FewShotProtocol protocol,
                           ExperimentSpec spec, DatasetInfo dataset, String checkpoint, long fromTrial, long toTrial,
                           int shards) {
    public FewShotShard {
        Messages.require("evaluationId", evaluationId);
        Messages.require("evaluation", evaluation);
        Messages.require("protocol", protocol);
        Messages.require("spec", spec);
        Messages.require("dataset", dataset);
        Messages.require("checkpoint", checkpoint);
        Checks checks = new Checks();
        evaluation.check("evaluation", checks);
        if (!checks.ok()) {
            throw new InvalidMessageException(checks.errors());
        }
        if (fromTrial < 0 || toTrial <= fromTrial || toTrial > protocol.trials()) {
            throw new InvalidMessageException("toTrial", "need 0 <= fromTrial < toTrial <= trials=" + protocol.trials()
                    + ", got [" + fromTrial + ", " + toTrial + ")");
        }
        if (shards < 1) {
            throw new InvalidMessageException("shards", "must be >= 1, got " + shards);
        }
    }
}
