package io.metaloop.learning.method.selfsupervised;

/**
 * The relation head's loss (seeds.md §2.5): the sigmoid focal loss of Lin et al. (2017) as the
 * relational-reasoning seed uses it, mean over all pairs of
 * {@code −α_t (1 − p_t)^γ log p_t}, with p = σ(z), p_t = p for a positive pair (target 1) and
 * 1 − p for a negative one, α_t = α for positives and 1 − α for negatives (the seed: γ 2, α 0.5).
 * With γ 0 and no α it is plain binary cross-entropy (the seed's essential script).
 *
 * <p>Its derivative in the logit, with s = +1 for positives and −1 for negatives:
 * {@code ∂/∂z = α_t s (1 − p_t)^γ (γ p_t log p_t − (1 − p_t))}, divided by the number of pairs.
 * {@code log p_t} is computed as {@code −softplus(−s z)}, finite at any logit.
 */
public final class SigmoidFocalLoss {
    private final double gamma;
    private final double alpha;
    private final boolean weighted;

    /** The focal loss with its γ and α. */
    public static SigmoidFocalLoss focal(double gamma, double alpha) {
        return new SigmoidFocalLoss(gamma, alpha, true);
    }

    /** Plain binary cross-entropy on logits (γ 0, no class weights). */
    public static SigmoidFocalLoss binaryCrossEntropy() {
        return new SigmoidFocalLoss(0, 0.5, false);
    }

    private SigmoidFocalLoss(double gamma, double alpha, boolean weighted) {
        if (!(gamma >= 0) || !(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("need gamma >= 0 and alpha in (0, 1], got gamma " + gamma + ", alpha " + alpha);
        }
        this.gamma = gamma;
        this.alpha = alpha;
        this.weighted = weighted;
    }

    /** The mean loss and its gradient in each logit. */
    public record Result(double loss, float[] gradLogits, double accuracy) {
    }

    /**
     * @param logits  one logit per pair
     * @param targets 1 for a positive pair, 0 for a negative one, same length
     * @throws IllegalArgumentException when the lengths differ, there are no pairs, or a target is not 0 or 1
     */
    public Result evaluate(float[] logits, float[] targets) {
        int n = logits.length;
        if (n == 0 || targets.length != n) {
            throw new IllegalArgumentException(n + " logits and " + targets.length + " targets; need the same positive number");
        }
        double total = 0;
        long correct = 0;
        float[] grad = new float[n];
        for (int i = 0; i < n; i++) {
            if (targets[i] != 0 && targets[i] != 1) {
                throw new IllegalArgumentException("target " + i + " is " + targets[i] + "; targets are 0 or 1");
            }
            double s = targets[i] == 1 ? 1 : -1;
            double z = logits[i];
            double logPt = -softplus(-s * z);
            double pt = Math.exp(logPt);
            double weight = weighted ? (s > 0 ? alpha : 1 - alpha) : 1;
            double modulation = gamma == 0 ? 1 : Math.pow(1 - pt, gamma);
            total += -weight * modulation * logPt;
            grad[i] = (float) (weight * s * modulation * (gamma * pt * logPt - (1 - pt)) / n);
            if ((z >= 0) == (s > 0)) {
                correct++;
            }
        }
        return new Result(total / n, grad, (double) correct / n);
    }

    /** log(1 + e^x) without overflow. */
    static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }
}
