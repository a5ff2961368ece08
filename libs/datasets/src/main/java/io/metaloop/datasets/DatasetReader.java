package io.metaloop.datasets;

import java.io.IOException;
import java.nio.file.Path;

/** Reads one published dataset format from an archive or a directory into an {@link ImageSink}. */
public interface DatasetReader {
    /** The format's name, as {@code metaloop data import} and the import API take it. */
    String format();

    /**
     * @param source the downloaded archive or the directory it unpacks to
     * @throws DatasetFormatException naming the file (and entry) and byte offset of anything malformed
     */
    void read(Path source, ReadOptions options, ImageSink sink) throws IOException;
}
