package io.metaloop.bench;

import io.metaloop.learning.Workspaces;
import io.metaloop.learning.backbone.Backbone;
import io.metaloop.learning.backbone.Backbones;
import io.metaloop.learning.nn.Layer;
import io.metaloop.learning.nn.Linear;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.Sequential;
import io.metaloop.learning.nn.SoftmaxCrossEntropy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Where a training step's time goes: forward and backward time of every layer (bench/train-step --profile). */
final class LayerProfile {
    private LayerProfile() {
    }

    /** A layer that adds up the time of its own forward and backward passes. */
    private static final class Timed implements Layer {
        final Layer inner;
        long forwardNanos;
        long backwardNanos;

        Timed(Layer inner) {
            this.inner = inner;
        }

        @Override
        public List<long[]> parameterShapes() {
            return inner.parameterShapes();
        }

        @Override
        public List<long[]> bufferShapes() {
            return inner.bufferShapes();
        }

        @Override
        public void bind(List<INDArray> params, List<INDArray> grads, List<INDArray> buffers) {
            inner.bind(params, grads, buffers);
        }

        @Override
        public void initialise(List<INDArray> params, List<INDArray> buffers, Random random) {
            inner.initialise(params, buffers, random);
        }

        @Override
        public long[] outputShape(long[] inputShape) {
            return inner.outputShape(inputShape);
        }

        @Override
        public INDArray forward(INDArray input, Mode mode) {
            long start = System.nanoTime();
            INDArray out = inner.forward(input, mode);
            forwardNanos += System.nanoTime() - start;
            return out;
        }

        @Override
        public INDArray backward(INDArray gradOutput) {
            long start = System.nanoTime();
            INDArray g = inner.backward(gradOutput);
            backwardNanos += System.nanoTime() - start;
            return g;
        }
    }

    /** The layers inside nested sequences, in order (a residual block counts as one). */
    private static List<Layer> leaves(Layer layer) {
        if (!(layer instanceof Sequential sequence)) {
            return List.of(layer);
        }
        List<Layer> out = new ArrayList<>();
        sequence.layers().forEach(child -> out.addAll(leaves(child)));
        return out;
    }

    static void print(TrainStepBench.Config c, int timed) {
        Backbone backbone = Backbones.create(c.backbone(), c.channels(), c.side(), c.side());
        List<Timed> timedLayers = new ArrayList<>();
        for (Layer layer : leaves(backbone.layer())) {
            timedLayers.add(new Timed(layer));
        }
        timedLayers.add(new Timed(new Linear(backbone.featureSize(), c.classes())));
        Network net = new Network(new Sequential(List.copyOf(timedLayers)), new long[] {c.channels(), c.side(), c.side()},
                DataType.FLOAT, 1);
        INDArray x = Nd4j.rand(DataType.FLOAT, c.batch(), c.channels(), c.side(), c.side());
        int[] labels = new int[c.batch()];
        long total = 0;
        for (int i = -3; i < timed; i++) {
            if (i == 0) {
                timedLayers.forEach(t -> {
                    t.forwardNanos = 0;
                    t.backwardNanos = 0;
                });
            }
            long start = System.nanoTime();
            Workspaces.run("profile", () -> {
                SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.evaluate(net.forward(x, Mode.TRAIN), labels);
                net.backward(r.gradLogits());
                return null;
            });
            if (i >= 0) {
                total += System.nanoTime() - start;
            }
        }
        System.out.printf("%n%s: forward + backward %.1f ms per step (mean of %d)%n", c.name(), total / 1e6 / timed, timed);
        System.out.printf("%-4s %-16s %12s %12s%n", "#", "layer", "forward ms", "backward ms");
        long[] shape = {c.batch(), c.channels(), c.side(), c.side()};
        for (int i = 0; i < timedLayers.size(); i++) {
            Timed t = timedLayers.get(i);
            System.out.printf("%-4d %-16s %12.2f %12.2f   %s%n", i, t.inner.getClass().getSimpleName(),
                    t.forwardNanos / 1e6 / timed, t.backwardNanos / 1e6 / timed, java.util.Arrays.toString(shape));
            shape = t.inner.outputShape(shape);
        }
    }
}
