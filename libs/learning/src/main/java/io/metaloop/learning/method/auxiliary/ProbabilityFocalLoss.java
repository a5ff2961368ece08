package io.metaloop.learning.method.auxiliary;

/**
 * MAXL's focal loss on probabilities (seeds.md §1.4; Lin et al. 2017 without α): with p = softmax(z)
 * of logits z [B, n] and targets y [B, n] (one-hot primary labels, or the generator's soft
 * auxiliary labels), L = (1/B)·Σ_b Σ_c y_bc·ℓ(p_bc), ℓ(p) = −(1 − p)^γ·log(p + 1e-20) — the seed's
 * 1e-20 kept. γ = 0 is cross-entropy. L is linear in y: ∂L/∂y_bc = ℓ(p_bc)/B, which is what lets
 * MAXL's exact meta-gradient take one forward-mode pass ({@link #termTangents}).
 *
 * <p>Arrays are row-major doubles. p·ℓ′(p) is computed as one bounded expression, so a probability
 * that underflows to 0 gives no infinity.
 */
public final class ProbabilityFocalLoss {
    /** The seed's guard inside the logarithm. */
    public static final double LOG_GUARD = 1e-20;

    private final double gamma;

    /** @throws IllegalArgumentException for γ < 0 */
    public ProbabilityFocalLoss(double gamma) {
        if (!(gamma >= 0)) {
            throw new IllegalArgumentException("focal gamma must be >= 0, got " + gamma);
        }
        this.gamma = gamma;
    }

    /** The loss, its gradient in the logits [B, n], the probabilities and the per-element terms ℓ_bc. */
    public record Result(double loss, double[] gradLogits, double[] probabilities, double[] terms) {
    }

    /** Row-wise softmax of [rows, n] logits, max-subtracted. */
    public static double[] softmax(double[] logits, int rows) {
        int n = logits.length / rows;
        double[] p = new double[logits.length];
        for (int b = 0; b < rows; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < n; c++) {
                max = Math.max(max, logits[b * n + c]);
            }
            double sum = 0;
            for (int c = 0; c < n; c++) {
                p[b * n + c] = Math.exp(logits[b * n + c] - max);
                sum += p[b * n + c];
            }
            for (int c = 0; c < n; c++) {
                p[b * n + c] /= sum;
            }
        }
        return p;
    }

    /** ℓ(p) = −(1 − p)^γ·log(p + 1e-20). */
    public double term(double p) {
        return -Math.pow(1 - p, gamma) * Math.log(p + LOG_GUARD);
    }

    /** p·ℓ′(p) = γ·(1 − p)^{γ−1}·p·log(p + 1e-20) − (1 − p)^γ·p/(p + 1e-20), bounded for p in [0, 1]. */
    private double pTimesDerivative(double p) {
        double decay = gamma == 0 ? 0 : gamma * Math.pow(1 - p, gamma - 1) * p * Math.log(p + LOG_GUARD);
        if (gamma > 0 && gamma < 1 && p == 1) {
            decay = 0; // (1 − p)^{γ−1} is infinite at p = 1 but p·log p is 0: the product's limit
        }
        return decay - Math.pow(1 - p, gamma) * p / (p + LOG_GUARD);
    }

    /**
     * @param logits  z, [rows, n]
     * @param targets y, [rows, n] (soft or one-hot)
     */
    public Result evaluate(double[] logits, double[] targets, int rows) {
        if (logits.length != targets.length) {
            throw new IllegalArgumentException("logits have " + logits.length + " values, targets " + targets.length);
        }
        int n = logits.length / rows;
        double[] p = softmax(logits, rows);
        double[] terms = new double[p.length];
        double[] grad = new double[p.length];
        double loss = 0;
        for (int b = 0; b < rows; b++) {
            // q_c = p_c·∂L/∂p_c; the softmax backward is ∂L/∂z_c = q_c − p_c·Σ_k q_k
            double qSum = 0;
            for (int c = 0; c < n; c++) {
                int i = b * n + c;
                terms[i] = term(p[i]);
                loss += targets[i] * terms[i];
                grad[i] = targets[i] * pTimesDerivative(p[i]) / rows;
                qSum += grad[i];
            }
            for (int c = 0; c < n; c++) {
                int i = b * n + c;
                grad[i] -= p[i] * qSum;
            }
        }
        return new Result(loss / rows, grad, p, terms);
    }

    /**
     * The directional derivatives D_v ℓ_bc of the per-element terms given the logits' tangent ż
     * along v (a Jacobian-vector product of the network): ṗ_c = p_c·(ż_c − Σ_k p_k·ż_k) and
     * D_v ℓ_c = ℓ′(p_c)·ṗ_c = p_c·ℓ′(p_c)·(ż_c − Σ_k p_k·ż_k).
     *
     * @param probabilities p of {@link #evaluate}, [rows, n]
     * @param logitTangents ż, [rows, n]
     */
    public double[] termTangents(double[] probabilities, double[] logitTangents, int rows) {
        int n = probabilities.length / rows;
        double[] out = new double[probabilities.length];
        for (int b = 0; b < rows; b++) {
            double mean = 0;
            for (int c = 0; c < n; c++) {
                mean += probabilities[b * n + c] * logitTangents[b * n + c];
            }
            for (int c = 0; c < n; c++) {
                int i = b * n + c;
                out[i] = pTimesDerivative(probabilities[i]) * (logitTangents[i] - mean);
            }
        }
        return out;
    }

    /** One-hot rows [labels.length, classes] of integer labels. */
    public static double[] oneHot(int[] labels, int classes) {
        double[] out = new double[labels.length * classes];
        for (int b = 0; b < labels.length; b++) {
            if (labels[b] < 0 || labels[b] >= classes) {
                throw new IllegalArgumentException("label " + labels[b] + " of image " + b + " is outside 0.." + (classes - 1));
            }
            out[b * classes + labels[b]] = 1;
        }
        return out;
    }
}
