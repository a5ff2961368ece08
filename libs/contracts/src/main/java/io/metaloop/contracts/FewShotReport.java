package io.metaloop.contracts;

import io.metaloop.contracts.spec.EvaluationSpec;
import java.util.List;

/**
 * A merged few-shot evaluation as stored in {@code reports/<experiment>/<evaluation>/report.json}:
 * what was measured (protocol, settings, checkpoint), the summary, and every trial's result, so a
 * figure can be recomputed, compared trial by trial, or re-bootstrapped.
 */
public record FewShotReport(String experimentId, String evaluationId, String method, String backbone,
                            String checkpointKey, EvaluationSpec evaluation, FewShotSummary summary,
                            List<TrialResult> trials) {
    public FewShotReport {
        Messages.require("experimentId", experimentId);
        Messages.require("summary", summary);
        Messages.require("trials", trials);
        trials = List.copyOf(trials);
    }
}
