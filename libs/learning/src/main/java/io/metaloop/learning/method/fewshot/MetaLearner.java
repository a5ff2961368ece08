package io.metaloop.learning.method.fewshot;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.Normalization;
import io.metaloop.contracts.spec.OptimizerSpec;
import io.metaloop.learning.Workspaces;
import io.metaloop.learning.method.BaseMethod;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.optim.GradientClipping;
import io.metaloop.learning.optim.LearningRateSchedule;
import io.metaloop.learning.optim.Optimizers;
import java.util.List;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The shared base of the few-shot methods (learn2learn's algorithm wrappers, one loop): a training
 * step is one meta-batch of E episodes, which arrives as one frame of E consecutive episodes (see
 * {@link Episode#split}). The episodes are processed one at a time — no batch-norm statistics are
 * shared between them — each adding the gradient of its mean query loss to the meta-gradient; the
 * meta-gradient is averaged over the episodes (the seed's loss is the cross-entropy over all E·N·Q
 * queries), optionally clamped elementwise ({@code clip_grad_value_}), and the outer optimiser steps
 * with the rate of the schedule at the frame's epoch.
 *
 * <p>A method class says what one episode contributes ({@link #accumulate}) and how it classifies
 * a test episode ({@link #predict}).
 */
public abstract class MetaLearner extends BaseMethod implements FewShotLearner {
    private final Episode.Shape trainShape;
    private final LearningRateSchedule schedule;
    private final double clip;
    private final Normalization normalization;
    private final INDArray metaGradient;

    /**
     * @param optimizer the outer optimiser and its schedule, counted in epochs of a run of {@code epochs}
     * @param clip      clamp the meta-gradient to [−clip, clip]; 0 for none
     */
    protected MetaLearner(String name, Classifier model, OptimizerSpec optimizer, int epochs, long seed,
                          Episode.Shape trainShape, double clip, Normalization normalization) {
        super(name, model, Optimizers.factory(optimizer), seed);
        if (!(clip >= 0)) {
            throw new IllegalArgumentException("clip must be >= 0, got " + clip);
        }
        this.trainShape = trainShape;
        this.schedule = Optimizers.schedule(optimizer, epochs);
        this.clip = clip;
        this.normalization = normalization;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            this.metaGradient = model.network().params().ulike().assign(0);
        }
    }

    /** The shape of the meta-training episodes. */
    public Episode.Shape trainShape() {
        return trainShape;
    }

    @Override
    public Normalization normalization() {
        return normalization;
    }

    /** The outer learning rate at an epoch. */
    protected double rate(int epoch) {
        return schedule.rate(epoch);
    }

    @Override
    public final double step(BatchFrame metaBatch) {
        List<Episode> episodes = Episode.split(metaBatch, trainShape, model().network().dataType(), normalization);
        beforeMetaBatch();
        metaGradient.assign(0);
        double loss = 0;
        for (Episode episode : episodes) {
            loss += Workspaces.run(name(), () -> accumulate(episode, metaGradient));
        }
        metaGradient.divi(episodes.size());
        if (clip > 0) {
            GradientClipping.byValue(metaGradient, clip);
        }
        outerStep(metaGradient, rate(metaBatch.epoch()));
        return loss / episodes.size();
    }

    /** Called before the episodes of a meta-batch (e.g. to zero the classifier head). */
    protected void beforeMetaBatch() {
    }

    /**
     * Adds this episode's meta-gradient (of its mean query loss, with respect to the parameter
     * vector) to {@code metaGradient}; returns the episode's query loss. Runs inside a workspace:
     * nothing allocated here may be kept.
     */
    protected abstract double accumulate(Episode episode, INDArray metaGradient);

    /** One step of the outer optimiser with the averaged, clipped meta-gradient. */
    protected void outerStep(INDArray gradient, double rate) {
        optimizer().step(model().network().params(), gradient, rate);
    }
}
