package io.metaloop.learning.method.selfsupervised;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.learning.model.ModelSpec;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The lower bound of the self-supervised family (seeds.md §2.6): the backbone as initialised from
 * the experiment's seed, never trained. Its experiments have 0 epochs, so the trainer saves the
 * initial backbone as the final checkpoint and linear evaluation scores it.
 */
public final class RandomWeights extends SelfSupervisedMethod {
    public static final String NAME = "random-weights";

    private RandomWeights(ModelSpec encoder, ExperimentSpec spec) {
        super(NAME, encoder, null, null, spec.optimizer(), 1, spec.seed(), spec.normalize());
    }

    public static RandomWeights create(ExperimentSpec spec, DatasetInfo data) {
        return new RandomWeights(ModelSpec.features(spec.backbone(), data.channels(), data.height(), data.width()), spec);
    }

    /** @throws IllegalStateException always: random weights are not trained (their experiments have 0 epochs) */
    @Override
    protected Objective objective(INDArray features, BatchFrame batch) {
        throw new IllegalStateException("random weights are not trained: the experiment must have 0 epochs");
    }
}
