package io.metaloop.learning.checkpoint;

/** A checkpoint that is corrupt, truncated, of an unknown format or does not fit the model. */
public final class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
