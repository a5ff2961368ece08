package io.metaloop.learning.method.selfsupervised;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.Normalization;
import io.metaloop.contracts.spec.OptimizerSpec;
import io.metaloop.datasets.SplitMix64;
import io.metaloop.learning.Workspaces;
import io.metaloop.learning.backbone.Backbones;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.CheckpointException;
import io.metaloop.learning.data.Images;
import io.metaloop.learning.method.BaseMethod;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Layer;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.optim.LearningRateSchedule;
import io.metaloop.learning.optim.Optimizer;
import io.metaloop.learning.optim.Optimizers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The base of the self-supervised family (seeds.md §2): a backbone (the model that is
 * checkpointed and evaluated: features out, no classifier) and a method-specific head (relation
 * head, projection head, rotation classifier…) trained together, each with its own copy of the
 * experiment's optimiser at the same rate — element-wise optimisers (SGD, Adam, RMSprop) make
 * that identical to one optimiser over both. One step: backbone forward in training mode on the
 * batch's images (all views, view-major; {@link #encode}), the method's {@link #objective} on the
 * features, which runs the head and returns the loss and its gradient in the features, backbone
 * backward ({@link #backpropagate}), both updates. The head is any layer tree whose tensors the
 * method owns; it need not be fed by the features alone (the method runs it itself). The head, its buffers and its optimiser's state are checkpointed with the backbone,
 * so a resumed run continues exactly; evaluation only ever loads the backbone.
 */
public abstract class SelfSupervisedMethod extends BaseMethod {
    /** Keys the head's initialisation apart from the backbone's. */
    private static final long HEAD_STREAM = 0x48454144L;

    private final Network head;
    private final Optimizer headOptimizer;
    private final LearningRateSchedule schedule;
    private final Normalization normalization;

    /** What a method's objective gives back: the mean loss, its gradient in the features [N, F], and a training accuracy. */
    protected record Objective(double loss, INDArray gradFeatures, double accuracy) {
    }

    /**
     * @param encoder    the backbone's spec (a {@link ModelSpec#features} spec: no head)
     * @param head       the method's head over features [N, F], or null for none
     * @param headInput  one example's shape at the head's input (e.g. {2F} for a cat relation head)
     * @param epochs     the run's length, for the optimiser's schedule
     * @param normalization per-channel normalisation of the images, or null for none
     */
    protected SelfSupervisedMethod(String name, ModelSpec encoder, Layer head, long[] headInput, OptimizerSpec optimizer,
                                   int epochs, long seed, Normalization normalization) {
        super(name, Classifier.create(encoder, seed, DataType.FLOAT), Optimizers.factory(optimizer), seed);
        if (!ModelSpec.Head.NONE.equals(encoder.head().kind())) {
            throw new IllegalArgumentException("a self-supervised backbone has no classifier head, got " + encoder.head());
        }
        this.head = head == null ? null
                : new Network(head, headInput, DataType.FLOAT, SplitMix64.keyed(seed, HEAD_STREAM).nextLong());
        this.headOptimizer = head == null ? null : Optimizers.factory(optimizer).apply(this.head.params());
        this.schedule = Optimizers.schedule(optimizer, Math.max(1, epochs));
        this.normalization = normalization;
    }

    /** The feature size F of a backbone for images of the spec's shape. */
    protected static int featureSize(ModelSpec encoder) {
        return Backbones.create(encoder.backbone(), encoder.channels(), encoder.height(), encoder.width()).featureSize();
    }

    /** The method's head (null when it has none). */
    protected final Network head() {
        return head;
    }

    /** The images a step trains on, [N, C, H, W] normalised; the batch's own images by default. */
    protected INDArray inputs(BatchFrame batch) {
        return Images.toTensor(batch, DataType.FLOAT, normalization);
    }

    protected final Normalization normalization() {
        return normalization;
    }

    /**
     * The method's loss on the backbone's features of {@link #inputs}: runs the head forward and
     * backward (its gradients end in {@code head().gradients()}) and returns the gradient in the features.
     *
     * @param features [N, F], N the rows of {@link #inputs}
     */
    protected abstract Objective objective(INDArray features, BatchFrame batch);

    /**
     * The backbone's forward pass in training mode on a step's images, before {@link #objective}:
     * {@code encoder.forward(images, Mode.TRAIN)}. A method whose loss also reads a map inside the
     * backbone (Deep InfoMax) runs it through a {@link io.metaloop.learning.nn.LayerTap} here instead.
     *
     * @param images [N, C, H, W], the rows of {@link #inputs}
     * @return the features [N, F]
     */
    protected INDArray encode(Network encoder, INDArray images) {
        return encoder.forward(images, Mode.TRAIN);
    }

    /**
     * The backbone's backward pass after {@link #objective}, filling {@code encoder.gradients()}:
     * {@code encoder.backward(gradFeatures)}. Overridden together with {@link #encode}.
     *
     * @param gradFeatures [N, F], the objective's gradient in the features
     */
    protected void backpropagate(Network encoder, INDArray gradFeatures) {
        encoder.backward(gradFeatures);
    }

    @Override
    public final double step(BatchFrame batch) {
        Network encoder = model().network();
        double rate = schedule.rate(batch.epoch());
        return Workspaces.run("ssl-step", () -> {
            INDArray features = encode(encoder, inputs(batch));
            Objective objective = objective(features, batch);
            backpropagate(encoder, objective.gradFeatures());
            optimizer().step(encoder.params(), encoder.gradients(), rate);
            if (head != null) {
                headOptimizer.step(head.params(), head.gradients(), rate);
            }
            return objective.loss();
        });
    }

    @Override
    protected Map<String, float[]> extraState() {
        if (head == null) {
            return Map.of();
        }
        Map<String, float[]> state = new LinkedHashMap<>();
        state.put("head.params", head.params().toFloatVector());
        state.put("head.buffers", head.buffers().toFloatVector());
        List<INDArray> vectors = headOptimizer.state();
        for (int i = 0; i < vectors.size(); i++) {
            state.put("head.optimizer." + i, vectors.get(i).toFloatVector());
        }
        return state;
    }

    @Override
    protected void restoreExtraState(Checkpoint checkpoint) {
        if (head == null) {
            return;
        }
        assignChecked(head.params(), checkpoint.extra("head.params"), "head.params");
        assignChecked(head.buffers(), checkpoint.extra("head.buffers"), "head.buffers");
        List<INDArray> saved = new java.util.ArrayList<>();
        List<INDArray> own = headOptimizer.state();
        for (int i = 0; i < own.size(); i++) {
            float[] values = checkpoint.extra("head.optimizer." + i);
            if (values.length != own.get(i).length()) {
                throw new CheckpointException("head.optimizer." + i + " has " + values.length + " values, the head's optimizer "
                        + own.get(i).length());
            }
            saved.add(org.nd4j.linalg.factory.Nd4j.createFromArray(values).castTo(own.get(i).dataType()));
        }
        // the head's optimiser steps with the backbone's, so it has taken as many steps
        headOptimizer.restore(saved, checkpoint.optimizer().steps());
    }

    private static void assignChecked(INDArray target, float[] values, String name) {
        if (values.length != target.length()) {
            throw new CheckpointException(name + " has " + values.length + " values, this head " + target.length());
        }
        target.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(values).castTo(target.dataType()));
    }
}
