package io.metaloop.contracts;

/**
 * A merged few-shot evaluation, as carried by an {@link EvalResult}: mean accuracy over the trials
 * with 95% intervals (z and Student's t over per-trial accuracies; PyTorch-MAML's over the means of
 * groups of {@code batchMeansOf} trials when asked for), on which protocol, with which checkpoint
 * and settings. The per-trial accuracies are in the report under {@code reportKey}.
 *
 * @param checkpoint      "best" (best meta-validation) or "last"
 * @param head            "method" or "prototype"
 * @param innerSteps      adaptation steps at test (null where none apply)
 * @param batchMeansCi95T null unless asked for
 */
public record FewShotSummary(String evaluationId, boolean primary, FewShotProtocol protocol, String checkpoint, String head,
                             Integer innerSteps, String batchNorm, int trials, double mean, double std, double ci95Z,
                             double ci95T, int batchMeansOf, Double batchMeansCi95T, String reportKey) {
    public FewShotSummary {
        Messages.require("evaluationId", evaluationId);
        Messages.require("protocol", protocol);
        Messages.require("checkpoint", checkpoint);
        Messages.require("reportKey", reportKey);
    }

    /** "97.53 ± 0.41 % (95 % t, 600 trials)". */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%.2f ± %.2f %% (95 %% t, %d trials)", 100 * mean, 100 * ci95T, trials);
    }
}
