package io.metaloop.learning.method.auxiliary;

/**
 * MAXL's regulariser against collapsing generated labels (seeds.md §1.4): with p̄ = (1/B)·Σ_b t_b the
 * batch mean of the generated distributions [B, A], L_ent = Σ_c p̄_c·log(p̄_c + 1e-20), the negative
 * entropy of p̄; minimising it spreads the labels over all auxiliary classes. Weight 0.2 in the seed.
 */
public final class LabelEntropy {
    private LabelEntropy() {
    }

    /** L_ent of labels t [rows, A] row-major. */
    public static double value(double[] labels, int rows) {
        double[] mean = mean(labels, rows);
        double sum = 0;
        for (double m : mean) {
            sum += m * Math.log(m + ProbabilityFocalLoss.LOG_GUARD);
        }
        return sum;
    }

    /** ∂L_ent/∂t_bc = (1/B)·(log(p̄_c + 1e-20) + p̄_c/(p̄_c + 1e-20)), [rows, A]. */
    public static double[] gradient(double[] labels, int rows) {
        double[] mean = mean(labels, rows);
        int a = mean.length;
        double[] perColumn = new double[a];
        for (int c = 0; c < a; c++) {
            perColumn[c] = (Math.log(mean[c] + ProbabilityFocalLoss.LOG_GUARD) + mean[c] / (mean[c] + ProbabilityFocalLoss.LOG_GUARD))
                    / rows;
        }
        double[] out = new double[labels.length];
        for (int b = 0; b < rows; b++) {
            System.arraycopy(perColumn, 0, out, b * a, a);
        }
        return out;
    }

    static double[] mean(double[] labels, int rows) {
        int a = labels.length / rows;
        double[] mean = new double[a];
        for (int b = 0; b < rows; b++) {
            for (int c = 0; c < a; c++) {
                mean[c] += labels[b * a + c] / rows;
            }
        }
        return mean;
    }
}
