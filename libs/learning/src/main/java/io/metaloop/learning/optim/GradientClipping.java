package io.metaloop.learning.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Gradient clipping, in place, as PyTorch's {@code clip_grad_value_} and {@code clip_grad_norm_}. */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** Clamps every component to [−limit, limit]. */
    public static void byValue(INDArray grads, double limit) {
        if (!(limit > 0)) {
            throw new IllegalArgumentException("limit must be > 0, got " + limit);
        }
        Transforms.min(Transforms.max(grads, -limit, false), limit, false);
    }

    /**
     * Scales the whole vector by maxNorm / (‖g‖₂ + 1e-6) when that is below 1.
     *
     * @return the L2 norm before clipping
     */
    public static double byNorm(INDArray grads, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        }
        double norm = grads.norm2Number().doubleValue();
        double scale = maxNorm / (norm + 1e-6);
        if (scale < 1) {
            grads.muli(scale);
        }
        return norm;
    }
}
