package io.metaloop.learning.method;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.TrainingPosition;
import io.metaloop.learning.model.Classifier;

/**
 * One training algorithm. Each method is a small class; {@link io.metaloop.learning.train.TrainingLoop}
 * drives all of them the same way.
 */
public interface TrainingMethod {
    String name();

    /** One optimisation step; returns the batch's mean training loss. */
    double step(BatchFrame batch);

    /** The model being trained, for evaluation and checkpoints. */
    Classifier model();

    /** Everything needed to continue exactly where training is now, which is {@code position} in the data. */
    Checkpoint checkpoint(String experimentId, TrainingPosition position);

    /**
     * Passes over the training data that make one of the experiment's epochs (MAXL's seed schedule:
     * 2, a pass of multi-task steps then a pass of generator steps); the trainer runs
     * {@code epochs × passesPerEpoch()} data epochs and the method reads its pass from the batch's
     * epoch. 1 for every other method.
     */
    default int passesPerEpoch() {
        return 1;
    }

    /** Continues from a checkpoint of the same method and architecture. */
    void restore(Checkpoint checkpoint);
}
