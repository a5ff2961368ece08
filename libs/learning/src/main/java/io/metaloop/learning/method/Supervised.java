package io.metaloop.learning.method;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.learning.Workspaces;
import io.metaloop.learning.data.Images;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.SoftmaxCrossEntropy;
import io.metaloop.learning.optim.Adam;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Plain supervised classification: cross-entropy on the primary labels, Adam. */
public final class Supervised extends BaseMethod {
    public static final String NAME = "supervised";

    private final double learningRate;

    public Supervised(ModelSpec spec, double learningRate, long seed) {
        super(NAME, Classifier.create(spec, seed, DataType.FLOAT), Adam::new, seed);
        this.learningRate = learningRate;
    }

    @Override
    public double step(BatchFrame batch) {
        Network net = model().network();
        INDArray images = Images.toTensor(batch, net.dataType());
        int[] labels = Images.labels(batch, 0);
        return Workspaces.run("train-step", () -> {
            INDArray logits = net.forward(images, Mode.TRAIN);
            SoftmaxCrossEntropy.Result loss = SoftmaxCrossEntropy.evaluate(logits, labels);
            net.backward(loss.gradLogits());
            optimizer().step(net.params(), net.gradients(), learningRate);
            return loss.loss();
        });
    }
}
