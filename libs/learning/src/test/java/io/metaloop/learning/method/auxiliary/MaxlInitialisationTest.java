package io.metaloop.learning.method.auxiliary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.spec.MaxlSpec;
import io.metaloop.contracts.spec.OptimizerSpec;
import io.metaloop.contracts.spec.ScheduleSpec;
import io.metaloop.learning.backbone.Vgg16;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Network;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * MAXL's initialisation (seeds.md §1.3): the multi-task network's VGG-16 convolutions and both heads
 * Xavier-uniform, the label generator's convolutions and head Xavier-normal, every bias 0, batch
 * norm scale 1 and shift 0 — checked by the moments of the drawn weights (a narrow VGG-16, widths 16–32).
 */
class MaxlInitialisationTest {
    private static final int[][] NARROW = {{16, 16}, {32, 32}, {32, 32, 32}, {32, 32, 32}, {32, 32, 32}};

    private static Maxl maxl() {
        OptimizerSpec sgd = new OptimizerSpec("sgd", 0.01, 0.0, false, 0.0, ScheduleSpec.CONSTANT)
                .withDefaults(new OptimizerSpec("sgd", 0.01, 0.0, false, 0.0, ScheduleSpec.CONSTANT));
        MaxlSpec settings = new MaxlSpec(1, null, java.util.Collections.nCopies(20, 5), null, null, null, null, null, null, null,
                null).withDefaults("maxl", sgd);
        return new Maxl(settings, new ModelSpec("vgg16", 3, 32, 32, 20, ModelSpec.Head.MLP_HEAD),
                () -> Vgg16.create("vgg16", 3, 32, 32, NARROW), sgd, 1, 7, null, DataType.FLOAT);
    }

    private record Moments(double mean, double variance, double maxAbs) {
    }

    private static Moments moments(Network net, Network.Tensor t) {
        INDArray w = net.params().get(NDArrayIndex.interval(t.offset(), t.offset() + t.length()));
        double mean = w.meanNumber().doubleValue();
        double variance = w.sub(mean).muli(w.sub(mean)).meanNumber().doubleValue();
        return new Moments(mean, variance, w.amaxNumber().doubleValue());
    }

    private static void check(Network net, boolean normal, String prefix) {
        List<long[]> shapes = net.root().parameterShapes();
        List<Network.Tensor> tensors = net.parameterTensors();
        int weights = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Network.Tensor t = tensors.get(i);
            long[] s = shapes.get(i);
            if (!t.name().startsWith(prefix)) {
                continue;
            }
            Moments m = moments(net, t);
            if (s.length >= 2) {
                long receptive = s.length == 4 ? s[2] * s[3] : 1;
                long fanIn = s.length == 2 ? s[0] : s[1] * receptive;
                long fanOut = s.length == 2 ? s[1] : s[0] * receptive;
                double expected = 2.0 / (fanIn + fanOut);
                // thousands of draws: the sample variance within 15 % of Glorot's 2/(fan_in + fan_out)
                assertEquals(expected, m.variance(), 0.15 * expected, t.name());
                if (!normal) {
                    assertTrue(m.maxAbs() <= Math.sqrt(3 * expected) + 1e-6, t.name() + " inside ±√(6/(fan_in+fan_out))");
                } else {
                    assertTrue(m.maxAbs() > Math.sqrt(3 * expected), t.name() + " normal draws pass the uniform bound somewhere");
                }
                weights++;
            } else if (t.name().endsWith(".bias") && !t.name().contains("bn")) {
                assertEquals(0, m.maxAbs(), 0, t.name());
            } else if (t.name().endsWith("bn1.weight")) {
                assertEquals(1, m.mean(), 0, t.name());
            }
        }
        assertTrue(weights > 0, prefix);
    }

    @Test
    void theMultiTaskNetworkIsXavierUniformAndTheGeneratorXavierNormal() {
        Maxl maxl = maxl();
        check(maxl.multiTask(), false, "encoder.");
        check(maxl.multiTask(), false, "classifier.");
        check(maxl.multiTask(), false, "auxiliary.");
        check(maxl.generator().network(), true, "encoder.");
        check(maxl.generator().network(), true, "head.");
        assertEquals(20, maxl.primaryClasses());
        assertEquals(100, maxl.auxiliaryClasses());
    }
}
