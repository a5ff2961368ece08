package io.metaloop.learning.train;

import io.metaloop.learning.checkpoint.Checkpoint;

/** Saves checkpoints durably (the object store in the services). */
public interface CheckpointStore {
    /** Stores the checkpoint completely or not at all; returns its key. */
    String save(Checkpoint checkpoint);
}
