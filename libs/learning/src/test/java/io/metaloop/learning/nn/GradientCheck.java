package io.metaloop.learning.nn;

import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Central finite differences, (f(θ+h) − f(θ−h)) / 2h, for checking analytic gradients. */
final class GradientCheck {
    private GradientCheck() {
    }

    record Mismatch(long index, double analytic, double numeric, double relativeError) {
    }

    /**
     * Compares {@code analytic[i]} with the central difference of {@code loss} in {@code params[i]}
     * for each index; returns the worst relative error |a − n| / max(|a|, |n|, floor).
     */
    static Mismatch worst(INDArray params, INDArray analytic, long[] indices, double h, double floor,
                          Supplier<Double> loss) {
        Mismatch worst = new Mismatch(-1, 0, 0, 0);
        for (long i : indices) {
            double original = params.getDouble(i);
            params.putScalar(i, original + h);
            double plus = loss.get();
            params.putScalar(i, original - h);
            double minus = loss.get();
            params.putScalar(i, original);
            double numeric = (plus - minus) / (2 * h);
            double a = analytic.getDouble(i);
            double rel = Math.abs(a - numeric) / Math.max(Math.max(Math.abs(a), Math.abs(numeric)), floor);
            if (rel > worst.relativeError()) {
                worst = new Mismatch(i, a, numeric, rel);
            }
        }
        return worst;
    }
}
