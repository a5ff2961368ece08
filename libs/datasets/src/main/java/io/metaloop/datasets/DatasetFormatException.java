package io.metaloop.datasets;

/** A dataset file that is not in the format it claims; names the file and the byte offset. */
public final class DatasetFormatException extends RuntimeException {
    private final String file;
    private final long byteOffset;

    public DatasetFormatException(String file, long byteOffset, String problem) {
        super(file + " at byte " + byteOffset + ": " + problem);
        this.file = file;
        this.byteOffset = byteOffset;
    }

    public String file() {
        return file;
    }

    public long byteOffset() {
        return byteOffset;
    }
}
