package io.metaloop.contracts.frame;

/** A frame that cannot be decoded; {@code byteOffset} is where in the frame the problem is. */
public final class FrameException extends RuntimeException {
    private final long byteOffset;

    public FrameException(String message, long byteOffset) {
        super(message + " (frame byte offset " + byteOffset + ")");
        this.byteOffset = byteOffset;
    }

    public long byteOffset() {
        return byteOffset;
    }
}
