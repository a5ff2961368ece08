package io.metaloop.learning.method.selfsupervised;

/**
 * SimCLR's contrastive loss over 2B embeddings of B images, two views each, view-major (row b and
 * row B + b are the two views of image b). With ẑ the L2-normalised embeddings,
 * s_kc = ẑ_k·ẑ_c / τ and ℓ_c = s_{p(c)c} − log Σ_{k≠c} exp(s_kc) (p(c) the other view of c's
 * image), the log of the ratio the seed computes per column:
 * <ul>
 *   <li>{@code seed}: L = −log((1/2B) Σ_c exp(ℓ_c)), the relational-reasoning seed's variant
 *       (seeds.md §2.6: −log of the mean ratio; the seed removes the diagonal by subtracting
 *       exp(1/τ), the same as leaving k = c out since s_cc = 1/τ);</li>
 *   <li>{@code nt-xent}: L = −(1/2B) Σ_c ℓ_c, the standard NT-Xent of Chen et al. (2020).</li>
 * </ul>
 * Computed with log-sum-exp, so it is finite at any temperature. The gradient follows
 * ∂ℓ_c/∂s_kc = δ_{k p(c)} − softmax_{k≠c}(s_·c)_k, then s = ẑẑᵀ/τ and ẑ = z/‖z‖
 * (∂ẑ/∂z = (I − ẑẑᵀ)/‖z‖). The seed's row order (2b, 2b+1) is a permutation of this one, which
 * the loss does not see.
 */
public final class ContrastiveLoss {
    public static final String SEED = "seed";
    public static final String NT_XENT = "nt-xent";

    private final double temperature;
    private final boolean seedVariant;

    /**
     * @param variant {@link #SEED} or {@link #NT_XENT}
     * @throws IllegalArgumentException for another variant or a temperature that is not positive
     */
    public ContrastiveLoss(String variant, double temperature) {
        if (!SEED.equals(variant) && !NT_XENT.equals(variant)) {
            throw new IllegalArgumentException("unknown SimCLR loss '" + variant + "'; known: [seed, nt-xent]");
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
        }
        this.temperature = temperature;
        this.seedVariant = SEED.equals(variant);
    }

    /** The loss, its gradient in the embeddings (same layout) and the share of rows whose most similar other row is their partner. */
    public record Result(double loss, double[] gradEmbeddings, double accuracy) {
    }

    /**
     * @param embeddings [2B, D] row-major
     * @param rows       2B, even and at least 4 (B ≥ 2: a single image has no negative)
     * @throws IllegalArgumentException for a bad shape or a zero embedding (its direction is undefined)
     */
    public Result evaluate(double[] embeddings, int rows) {
        if (rows < 4 || rows % 2 != 0 || embeddings.length % rows != 0) {
            throw new IllegalArgumentException("need 2B >= 4 rows of equal width, got " + embeddings.length + " values in "
                    + rows + " rows");
        }
        int d = embeddings.length / rows;
        int half = rows / 2;
        double[] unit = new double[embeddings.length];
        double[] norms = new double[rows];
        for (int r = 0; r < rows; r++) {
            double sq = 0;
            for (int k = 0; k < d; k++) {
                sq += embeddings[r * d + k] * embeddings[r * d + k];
            }
            norms[r] = Math.sqrt(sq);
            if (!(norms[r] > 0)) {
                throw new IllegalArgumentException("embedding " + r + " is zero; its cosine similarity is undefined");
            }
            for (int k = 0; k < d; k++) {
                unit[r * d + k] = embeddings[r * d + k] / norms[r];
            }
        }
        double[][] s = new double[rows][rows];
        for (int a = 0; a < rows; a++) {
            for (int b = a; b < rows; b++) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += unit[a * d + k] * unit[b * d + k];
                }
                s[a][b] = dot / temperature;
                s[b][a] = s[a][b];
            }
        }
        // per column c: ℓ_c and the softmax over k ≠ c
        double[] logRatio = new double[rows];
        double[][] softmax = new double[rows][rows];
        long correct = 0;
        for (int c = 0; c < rows; c++) {
            int partner = (c + half) % rows;
            double max = Double.NEGATIVE_INFINITY;
            int argmax = -1;
            for (int k = 0; k < rows; k++) {
                if (k != c && s[k][c] > max) {
                    max = s[k][c];
                    argmax = k;
                }
            }
            if (argmax == partner) {
                correct++;
            }
            double sum = 0;
            for (int k = 0; k < rows; k++) {
                if (k != c) {
                    softmax[k][c] = Math.exp(s[k][c] - max);
                    sum += softmax[k][c];
                }
            }
            for (int k = 0; k < rows; k++) {
                softmax[k][c] /= sum;
            }
            logRatio[c] = s[partner][c] - (max + Math.log(sum));
        }
        double loss;
        double[] weight = new double[rows]; // ∂L/∂ℓ_c
        if (seedVariant) {
            double max = Double.NEGATIVE_INFINITY;
            for (double l : logRatio) {
                max = Math.max(max, l);
            }
            double sum = 0;
            for (double l : logRatio) {
                sum += Math.exp(l - max);
            }
            loss = -(max + Math.log(sum) - Math.log(rows));
            for (int c = 0; c < rows; c++) {
                weight[c] = -Math.exp(logRatio[c] - max) / sum;
            }
        } else {
            double total = 0;
            for (double l : logRatio) {
                total += l;
            }
            loss = -total / rows;
            java.util.Arrays.fill(weight, -1.0 / rows);
        }
        // G = ∂L/∂s, then ∂L/∂ẑ = (G + Gᵀ) ẑ / τ
        double[][] g = new double[rows][rows];
        for (int c = 0; c < rows; c++) {
            int partner = (c + half) % rows;
            for (int k = 0; k < rows; k++) {
                if (k != c) {
                    g[k][c] = weight[c] * ((k == partner ? 1 : 0) - softmax[k][c]);
                }
            }
        }
        double[] grad = new double[embeddings.length];
        for (int a = 0; a < rows; a++) {
            double[] gu = new double[d];
            for (int b = 0; b < rows; b++) {
                double coefficient = (g[a][b] + g[b][a]) / temperature;
                if (coefficient != 0) {
                    for (int k = 0; k < d; k++) {
                        gu[k] += coefficient * unit[b * d + k];
                    }
                }
            }
            double along = 0;
            for (int k = 0; k < d; k++) {
                along += gu[k] * unit[a * d + k];
            }
            for (int k = 0; k < d; k++) {
                grad[a * d + k] = (gu[k] - along * unit[a * d + k]) / norms[a];
            }
        }
        return new Result(loss, grad, (double) correct / rows);
    }
}
