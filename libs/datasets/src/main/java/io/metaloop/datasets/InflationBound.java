package io.metaloop.datasets;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes that decompressing streams deliver in one read pass over an archive and stops
 * the pass once they exceed a bound, so that a decompression bomb (a small zip or gzip that
 * inflates to terabytes) is refused with a message instead of running for hours.
 */
public final class InflationBound {
    private final String archive;
    private final long maxBytes;
    private long inflated;

    /**
     * @param archive  the archive's name, for the message
     * @param maxBytes the most bytes the pass may decompress
     */
    public InflationBound(String archive, long maxBytes) {
        this.archive = archive;
        this.maxBytes = maxBytes;
    }

    /** Thrown by a wrapped stream's read once the pass has decompressed more than the bound. */
    public static final class ExceededException extends IOException {
        ExceededException(String message) {
            super(message);
        }
    }

    public long inflated() {
        return inflated;
    }

    /** {@code in}, counting what it delivers against the bound; {@code where} names it in the message. */
    public InputStream wrap(InputStream in, String where) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1, where);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    count(n, where);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(n);
                if (skipped > 0) {
                    count(skipped, where);
                }
                return skipped;
            }
        };
    }

    /**
     * Adds {@code n} decompressed bytes.
     *
     * @throws ExceededException once the total passes the bound
     */
    public void count(long n, String where) throws ExceededException {
        inflated += n;
        if (inflated > maxBytes) {
            throw new ExceededException(where + " decompresses to more than " + maxBytes + " bytes, the bound on one archive"
                    + " (metaloop.datasets.max-inflated-bytes); refused as a possible decompression bomb");
        }
    }
}
