package io.metaloop.localstack;

/** A part of the stack that could not start or died; the message carries the tail of its log. */
public final class StackException extends RuntimeException {
    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
