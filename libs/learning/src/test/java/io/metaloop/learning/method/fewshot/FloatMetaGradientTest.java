package io.metaloop.learning.method.fewshot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.spec.InnerLoopSpec;
import io.metaloop.contracts.spec.MamlSpec;
import io.metaloop.contracts.spec.OptimizerSpec;
import io.metaloop.contracts.spec.TemperatureSpec;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.learning.model.Classifier;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The second-order meta-gradient in float32 (exact Hessian-vector products) against the same
 * computation in float64, on real Omniglot episodes (28 px, 5-way 1-shot 15-query, full-width
 * ConvNet4, 5 inner steps at rate 0.1, where the second-order terms more than double the
 * meta-gradient's norm). Measured on a 2-core AMD EPYC: 3.8e-5 to 7.6e-5.
 *
 * <p>Central differences of float gradients could not get there: on this network a difference step
 * of 1e-3 already crosses ReLU and max-pool switches (errors of 1 to 40 relative, in float64 too),
 * and smaller steps drown in float rounding; hence the forward-mode derivatives of every layer.
 */
class FloatMetaGradientTest {
    /** The bound this project states for float32 meta-gradients (the issue allows at most 1e-3). */
    static final double RELATIVE_BOUND = 3e-4;

    private static GradientMetaLearner learner(DataType type, String batchNorm) {
        MamlSpec config = new MamlSpec(new InnerLoopSpec(5, 10, 0.1, 0.1, 0.0, 0.0, List.of()), false, batchNorm, false,
                new TemperatureSpec(1.0, false), 10.0).withDefaults("maml");
        Classifier model = GradientMetaLearner.model("convnet4", 1, 28, 28, 5, config, 3, type);
        return new GradientMetaLearner("maml", model, config, new OptimizerSpec("adam", 1e-3, 0.0, false, 0.0, null), 1, 3,
                new Episode.Shape(5, 1, 15), null);
    }

    private static double relativeError(String batchNorm, long trial) {
        GradientMetaLearner single = learner(DataType.FLOAT, batchNorm);
        GradientMetaLearner twice = learner(DataType.DOUBLE, batchNorm);
        twice.model().network().params().assign(single.model().network().params().castTo(DataType.DOUBLE));
        twice.model().network().buffers().assign(single.model().network().buffers().castTo(DataType.DOUBLE));
        BatchFrame frame = OmniglotEpisodes.frame("train", 1, trial, 5, 1, 15);
        INDArray g32 = single.model().network().params().ulike().assign(0);
        single.accumulate(Episode.split(frame, single.trainShape(), DataType.FLOAT, null).get(0), g32);
        INDArray g64 = twice.model().network().params().ulike().assign(0);
        twice.accumulate(Episode.split(frame, twice.trainShape(), DataType.DOUBLE, null).get(0), g64);
        double error = g32.castTo(DataType.DOUBLE).sub(g64).norm2Number().doubleValue() / g64.norm2Number().doubleValue();
        System.out.printf("float32 vs float64 meta-gradient, %s, trial %d: relative error %.2e (‖g‖ = %.3e)%n", batchNorm,
                trial, error, g64.norm2Number().doubleValue());
        return error;
    }

    @Test
    void floatMetaGradientAgreesWithDoubleWithinTheStatedBound() {
        for (long trial = 0; trial < 2; trial++) {
            double error = relativeError("transductive", trial);
            assertTrue(error < RELATIVE_BOUND, "relative error " + error + " on trial " + trial);
        }
        double episodic = relativeError("inductive-episodic", 0);
        assertTrue(episodic < RELATIVE_BOUND, "relative error " + episodic + " with per-episode statistics");
    }
}
