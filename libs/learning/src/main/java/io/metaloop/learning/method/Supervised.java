package io.metaloop.learning.method;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.Normalization;
import io.metaloop.contracts.spec.OptimizerSpec;
import io.metaloop.learning.Workspaces;
import io.metaloop.learning.data.Images;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.SoftmaxCrossEntropy;
import io.metaloop.learning.optim.Adam;
import io.metaloop.learning.optim.LearningRateSchedule;
import io.metaloop.learning.optim.Optimizers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Plain supervised classification: cross-entropy on the primary labels, with the experiment's
 * optimiser and its schedule (the rate of the batch's epoch).
 */
public final class Supervised extends BaseMethod {
    public static final String NAME = "supervised";
    /**
     * The self-supervised family's upper bound (seeds.md §2.6): the same training under its own name,
     * with the seed's defaults that {@link ExperimentSpec} fills in (SGD 0.1, momentum 0.9, ×0.1 at
     * 50 % and 75 % of the epochs, crop and flip, the dataset's normalisation).
     */
    public static final String STANDARD = "standard";

    private final LearningRateSchedule schedule;
    private final Normalization normalization;

    /** Adam at a constant rate, no normalisation (tests and benchmarks). */
    public Supervised(ModelSpec spec, double learningRate, long seed) {
        super(NAME, Classifier.create(spec, seed, DataType.FLOAT), Adam::new, seed);
        this.schedule = new LearningRateSchedule.Constant(learningRate);
        this.normalization = null;
    }

    public Supervised(ModelSpec spec, OptimizerSpec optimizer, int epochs, long seed, Normalization normalization) {
        this(NAME, spec, optimizer, epochs, seed, normalization);
    }

    private Supervised(String name, ModelSpec spec, OptimizerSpec optimizer, int epochs, long seed, Normalization normalization) {
        super(name, Classifier.create(spec, seed, DataType.FLOAT), Optimizers.factory(optimizer), seed);
        this.schedule = Optimizers.schedule(optimizer, epochs);
        this.normalization = normalization;
    }

    /** A classifier over all the dataset's primary classes. */
    public static Supervised create(ExperimentSpec spec, DatasetInfo data) {
        return new Supervised(spec.method(), new ModelSpec(spec.backbone(), data.channels(), data.height(), data.width(),
                data.classes().size()), spec.optimizer(), spec.epochs(), spec.seed(), spec.normalize());
    }

    @Override
    public double step(BatchFrame batch) {
        Network net = model().network();
        INDArray images = Images.toTensor(batch, net.dataType(), normalization);
        int[] labels = Images.labels(batch, 0);
        double rate = schedule.rate(batch.epoch());
        return Workspaces.run("train-step", () -> {
            INDArray logits = net.forward(images, Mode.TRAIN);
            SoftmaxCrossEntropy.Result loss = SoftmaxCrossEntropy.evaluate(logits, labels);
            net.backward(loss.gradLogits());
            optimizer().step(net.params(), net.gradients(), rate);
            return loss.loss();
        });
    }
}
