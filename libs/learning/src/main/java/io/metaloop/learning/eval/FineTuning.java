package io.metaloop.learning.eval;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.FineTuneSpec;
import io.metaloop.contracts.spec.Normalization;
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
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Fine-tuning a learned backbone with a fresh linear head (the relational-reasoning seed's stage 2
 * with {@code --finetune}, seeds.md §2.7; settings in {@link FineTuneSpec}): the backbone's
 * parameters and running statistics are copied into a classifier whose head is Linear(F, classes)
 * with PyTorch's default initialisation; each step is cross-entropy on a batch of (augmented)
 * training images with the network in training mode, then Adam on the backbone's part of the
 * parameter vector at the backbone's rate and on the head's part at the head's rate, both with the
 * same weight decay, each rate times {@link FineTuneSpec#decayFactor} of the batch's epoch.
 */
public final class FineTuning {
    private final Classifier model;
    private final Normalization normalization;
    private final int level;
    private final int epochs;
    private final double headRate;
    private final FineTuneSpec settings;
    private final Adam backboneOptimizer;
    private final Adam headOptimizer;
    private final long backboneLength;

    /**
     * @param backbone the learned backbone alone (no head), left unchanged
     * @param classes  the head's outputs
     * @param level    the label level the head learns
     * @param epochs   the fine-tuning's length, for the decay
     * @param headRate Adam's rate for the head
     * @param seed     the head's initialisation
     * @throws IllegalArgumentException when {@code backbone} has a head or {@code classes} &lt; 2
     */
    public FineTuning(Classifier backbone, int classes, int level, int epochs, double headRate, FineTuneSpec settings,
                      long seed, Normalization normalization) {
        ModelSpec spec = backbone.spec();
        if (!ModelSpec.Head.NONE.equals(spec.head().kind())) {
            throw new IllegalArgumentException("fine-tuning starts from the backbone alone, got a model with head " + spec.head());
        }
        this.model = Classifier.create(spec.withHead(classes, ModelSpec.Head.LINEAR_HEAD), seed, DataType.FLOAT);
        Network net = model.network();
        backboneLength = model.encoderParameters();
        // the encoder's parameters come first and it owns every buffer (the linear head has none)
        net.params().get(NDArrayIndex.interval(0, backboneLength)).assign(backbone.network().params());
        net.buffers().assign(backbone.network().buffers());
        this.normalization = normalization;
        this.level = level;
        this.epochs = epochs;
        this.headRate = headRate;
        this.settings = settings;
        this.backboneOptimizer = new Adam(backbonePart(net.params()), 0.9, 0.999, 1e-8, settings.weightDecay());
        this.headOptimizer = new Adam(headPart(net.params()), 0.9, 0.999, 1e-8, settings.weightDecay());
    }

    private INDArray backbonePart(INDArray vector) {
        return vector.get(NDArrayIndex.interval(0, backboneLength));
    }

    private INDArray headPart(INDArray vector) {
        return vector.get(NDArrayIndex.interval(backboneLength, vector.length()));
    }

    /** One Adam step on a batch of labelled training images; returns its mean cross-entropy. */
    public double step(BatchFrame batch) {
        Network net = model.network();
        INDArray images = Images.toTensor(batch, DataType.FLOAT, normalization);
        int[] labels = Images.labels(batch, level);
        double factor = settings.decayFactor(batch.epoch(), epochs);
        return Workspaces.run("finetune-step", () -> {
            INDArray logits = net.forward(images, Mode.TRAIN);
            SoftmaxCrossEntropy.Result loss = SoftmaxCrossEntropy.evaluate(logits, labels);
            net.backward(loss.gradLogits());
            backboneOptimizer.step(backbonePart(net.params()), backbonePart(net.gradients()),
                    settings.backboneLearningRate() * factor);
            headOptimizer.step(headPart(net.params()), headPart(net.gradients()), headRate * factor);
            return loss.loss();
        });
    }

    /** Correct predictions (evaluation mode, running statistics) on a batch of labelled images. */
    public long correct(BatchFrame batch) {
        int[] predicted = model.predict(Images.toTensor(batch, DataType.FLOAT, normalization));
        int[] labels = Images.labels(batch, level);
        long correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("image " + i + " has no label (" + labels[i] + ")");
            }
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return correct;
    }

    /** The fine-tuned classifier (backbone and head). */
    public Classifier model() {
        return model;
    }
}
