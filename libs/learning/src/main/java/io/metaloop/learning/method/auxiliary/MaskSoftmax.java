package io.metaloop.learning.method.auxiliary;

/**
 * MAXL's masked softmax (seeds.md §1.4): the label generator's logits z [B, A] and each image's
 * primary class y give soft auxiliary labels t [B, A], t_c = w_c·e^{z_c} / Σ_k w_k·e^{z_k} with
 * w_c = 1 inside y's ψ block and ε outside. MetaLoop's default ε = 0 puts exactly no mass outside
 * the block; the seed's ε = 1e-8 ("to avoid NaNs") is the option {@code maskEpsilon: 1e-8}, and
 * leaks: logits [0, 0, 20, 0, 0] with ψ = [2, 3] and y = 0 put 0.708 of the mass on column 2.
 * Computed as the softmax of z + log w with the row maximum subtracted, so no logit overflows.
 * Rows are row-major double arrays of length B·A.
 */
public final class MaskSoftmax {
    private MaskSoftmax() {
    }

    /**
     * @param logits  z, [B, A] row-major
     * @param primary y, [B], each in 0..len(ψ)−1
     * @param epsilon the mask's value outside the block: 0 (default) or the seed's 1e-8
     * @return t, [B, A] row-major; each row sums to 1
     * @throws IllegalArgumentException for a primary label outside ψ or logits of the wrong length
     */
    public static double[] forward(double[] logits, int[] primary, Psi psi, double epsilon) {
        int a = psi.auxiliaryClasses();
        if (logits.length != (long) primary.length * a) {
            throw new IllegalArgumentException("logits have " + logits.length + " values, expected " + primary.length + " × " + a);
        }
        double logEpsilon = epsilon > 0 ? Math.log(epsilon) : Double.NEGATIVE_INFINITY;
        double[] out = new double[logits.length];
        for (int b = 0; b < primary.length; b++) {
            int y = psi.checkPrimary(primary[b], b);
            int row = b * a;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < a; c++) {
                double shifted = logits[row + c] + (psi.owns(y, c) ? 0 : logEpsilon);
                max = Math.max(max, shifted);
            }
            double sum = 0;
            for (int c = 0; c < a; c++) {
                double e = psi.owns(y, c) || epsilon > 0
                        ? Math.exp(logits[row + c] + (psi.owns(y, c) ? 0 : logEpsilon) - max) : 0;
                out[row + c] = e;
                sum += e;
            }
            for (int c = 0; c < a; c++) {
                out[row + c] /= sum;
            }
        }
        return out;
    }

    /**
     * The gradient in the logits given the gradient in t (the softmax Jacobian of z + log w):
     * ∂L/∂z_c = t_c·(∂L/∂t_c − Σ_k t_k·∂L/∂t_k). Columns outside the block get 0 when ε = 0.
     *
     * @param labels   t of {@link #forward}, [B, A]
     * @param gradLabels ∂L/∂t, [B, A]
     */
    public static double[] backward(double[] labels, double[] gradLabels, int rows) {
        int a = labels.length / rows;
        double[] out = new double[labels.length];
        for (int b = 0; b < rows; b++) {
            int row = b * a;
            double dot = 0;
            for (int c = 0; c < a; c++) {
                dot += labels[row + c] * gradLabels[row + c];
            }
            for (int c = 0; c < a; c++) {
                out[row + c] = labels[row + c] * (gradLabels[row + c] - dot);
            }
        }
        return out;
    }
}
