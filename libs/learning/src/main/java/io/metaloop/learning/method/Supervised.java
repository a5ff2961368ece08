package io.metaloop.learning.method;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.learning.Workspaces;
import io.metaloop.learning.checkpoint.Checkpoint;
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
public final class Supervised implements TrainingMethod {
    public static final String NAME = "supervised";

    private final Classifier model;
    private final Adam optimiser;

    public Supervised(ModelSpec spec, double learningRate, long seed) {
        this.model = Classifier.create(spec, seed, DataType.FLOAT);
        this.optimiser = new Adam(model.network().params(), learningRate);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double step(BatchFrame batch) {
        Network net = model.network();
        INDArray images = Images.toTensor(batch, net.dataType());
        int[] labels = Images.labels(batch, 0);
        return Workspaces.run("train-step", () -> {
            INDArray logits = net.forward(images, Mode.TRAIN);
            SoftmaxCrossEntropy.Result loss = SoftmaxCrossEntropy.evaluate(logits, labels);
            net.backward(loss.gradLogits());
            optimiser.step(net.params(), net.gradients());
            return loss.loss();
        });
    }

    @Override
    public Classifier model() {
        return model;
    }

    @Override
    public Checkpoint checkpoint(String experimentId, int epochsDone, long seed) {
        Network net = model.network();
        return new Checkpoint(experimentId, NAME, model.spec(), epochsDone, optimiser.steps(), seed,
                net.params().toFloatVector(), net.buffers().toFloatVector(),
                optimiser.firstMoment().toFloatVector(), optimiser.secondMoment().toFloatVector());
    }

    @Override
    public void restore(Checkpoint checkpoint) {
        checkpoint.requireCompatible(NAME, model.spec(), model.network());
        Network net = model.network();
        net.params().assign(checkpoint.paramsArray());
        net.buffers().assign(checkpoint.buffersArray());
        optimiser.restore(checkpoint.firstMomentArray(), checkpoint.secondMomentArray(), checkpoint.optimiserSteps());
    }
}
