package io.metaloop.learning.train;

import io.metaloop.learning.checkpoint.Checkpoint;
import java.util.OptionalDouble;

/** Saves checkpoints durably (the object store in the services). */
public interface CheckpointStore {
    /** Stores the checkpoint completely or not at all; returns its key. */
    String save(Checkpoint checkpoint);

    /**
     * Records that the checkpoint under {@code key} scored best on validation so far. Stores that
     * keep every epoch's checkpoint need only remember the key.
     */
    default void markBest(String experimentId, String key, int epochsDone, Validation.Score score) {
    }

    /** The best validation score recorded so far for an experiment (a resumed run must beat it), if any. */
    default OptionalDouble bestScore(String experimentId) {
        return OptionalDouble.empty();
    }
}
