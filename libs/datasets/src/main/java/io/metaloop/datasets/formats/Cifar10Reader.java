package io.metaloop.datasets.formats;

import io.metaloop.datasets.Archive;
import io.metaloop.datasets.DatasetFormatException;
import io.metaloop.datasets.DatasetLayout;
import io.metaloop.datasets.DatasetReader;
import io.metaloop.datasets.ImageSink;
import io.metaloop.datasets.LabelLevel;
import io.metaloop.datasets.ReadOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CIFAR-10 (Krizhevsky 2009), binary version: {@code cifar-10-binary.tar.gz}, which unpacks to
 * {@code cifar-10-batches-bin/} holding {@code data_batch_1.bin} … {@code data_batch_5.bin} (train),
 * {@code test_batch.bin} and {@code batches.meta.txt} (the ten class names, one a line).
 *
 * <p>Each batch is a sequence of 3,073-byte records: one label byte (0–9), then 3,072 pixel bytes,
 * 1,024 red, 1,024 green and 1,024 blue, each plane 32×32 row-major — already the channel-major order
 * {@link ImageSink} wants. The source may be the {@code .tar.gz}, a {@code .tar}, a {@code .zip} or the
 * extracted directory; files are found by their base names anywhere in it.
 *
 * <p>Everything is checked before the first image reaches the sink (one pass over the archive), then
 * the images are streamed in a fixed order: train = batches 1…5 in that order, then test, whatever
 * order the archive holds them in. {@link ReadOptions#imageSize()} and {@link ReadOptions#rotations()}
 * do not apply to this fixed-size format and are ignored; a {@link ReadOptions#hierarchyFile()} is
 * applied by {@link io.metaloop.datasets.DatasetFormats}, as for every format.
 */
public final class Cifar10Reader implements DatasetReader {
    public static final String FORMAT = "cifar10";
    static final int SIDE = 32;
    static final int PIXELS = 3 * SIDE * SIDE;
    static final int RECORD = 1 + PIXELS;
    static final int CLASSES = 10;
    static final String META = "batches.meta.txt";
    static final List<String> TRAIN = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin");
    static final String TEST = "test_batch.bin";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public void read(Path source, ReadOptions options, ImageSink sink) throws IOException {
        PublishedFiles files = new PublishedFiles(source, options);
        List<String> batches = new ArrayList<>(TRAIN);
        batches.add(TEST);
        Set<String> wanted = new HashSet<>(batches);
        wanted.add(META);
        List<List<String>> names = new ArrayList<>();
        // pass 1: find every file, check every record and the class names; nothing reaches the sink yet
        files.index(wanted, (base, entry, size, in) -> {
            if (base.equals(META)) {
                names.add(PublishedFiles.classNames(files.where(entry), PublishedFiles.readSmall(files.where(entry),
                        size, in), CLASSES));
            } else {
                PublishedFiles.records(files.where(entry), size, in, RECORD, (offset, record) -> checkLabel(files.where(entry), offset, record));
            }
        });
        files.require(META);
        for (String batch : batches) {
            files.require(batch);
        }
        ImageSink out = sink;
        out.layout(new DatasetLayout(3, SIDE, SIDE, List.of(new LabelLevel("class", names.get(0)))));
        // pass 2: the images, in the published order
        for (String batch : batches) {
            String split = batch.equals(TEST) ? "test" : "train";
            files.stream(batch, (base, entry, size, in) -> PublishedFiles.records(files.where(entry), size, in, RECORD,
                    (offset, record) -> {
                        checkLabel(files.where(entry), offset, record);
                        byte[] pixels = new byte[PIXELS];
                        System.arraycopy(record, 1, pixels, 0, PIXELS);
                        out.image(split, pixels, new int[] {record[0] & 0xFF});
                    }));
        }
    }

    private static void checkLabel(String where, long offset, byte[] record) {
        int label = record[0] & 0xFF;
        if (label >= CLASSES) {
            throw new DatasetFormatException(where, offset, "label " + label + " is not a CIFAR-10 class (0–9)");
        }
    }

    /**
     * The files of a published dataset, found by their base names anywhere in an {@link Archive}: one pass
     * that indexes (and lets the reader check) them, then one pass per file to stream it, which stops as
     * soon as that file has been read. Shared by the readers of fixed-record binary formats in this package.
     */
    static final class PublishedFiles {
        /** Largest text or label file read whole into memory. */
        static final int SMALL_FILE_LIMIT = 16 << 20;

        private final Archive archive;
        private final boolean directory;
        private final Map<String, String> entries = new LinkedHashMap<>();
        private final Map<String, Long> sizes = new LinkedHashMap<>();

        /** A zip is checked end to end first (CRCs, central directory against local headers). */
        PublishedFiles(Path source, ReadOptions options) throws IOException {
            this.archive = SourceFiles.open(source, options);
            this.directory = Files.isDirectory(source);
        }

        /** What a reader sees of one of its files. */
        interface Visitor {
            void visit(String base, String entry, long size, InputStream in) throws IOException;
        }

        /** What a reader does with one fixed-size record. */
        interface RecordHandler {
            void record(long offset, byte[] record) throws IOException;
        }

        boolean isDirectory() {
            return directory;
        }

        /** The name errors give for an entry: the file itself in a directory, {@code archive!entry} in an archive. */
        String where(String entry) {
            return directory ? archive.source().resolve(entry).toString() : archive.source() + "!" + entry;
        }

        static String base(String entry) {
            return entry.substring(entry.lastIndexOf('/') + 1);
        }

        /** Pass 1: visits every file whose base name is wanted; a base name found twice is an error. */
        void index(Set<String> wanted, Visitor visitor) throws IOException {
            archive.forEach(name -> wanted.contains(base(name)), (name, size, in) -> {
                String base = base(name);
                String first = entries.putIfAbsent(base, name);
                if (first != null) {
                    throw new DatasetFormatException(where(name), 0, "a second " + base + " (the first is " + first
                            + "); the dataset must hold exactly one");
                }
                sizes.put(base, size);
                visitor.visit(base, name, size, in);
            });
        }

        /** The entry holding {@code base}, which pass 1 must have found. */
        String require(String base) {
            String entry = entries.get(base);
            if (entry == null) {
                throw new DatasetFormatException(archive.source().toString(), 0, "no " + base + " in the dataset");
            }
            return entry;
        }

        /** The size the archive gives for {@code base} (-1 where it does not say). */
        long size(String base) {
            require(base);
            return sizes.get(base);
        }

        /** Visits the one entry holding {@code base}, reading the archive no further than that entry. */
        void stream(String base, Visitor visitor) throws IOException {
            String entry = require(base);
            try {
                archive.forEach(entry::equals, (name, size, in) -> {
                    visitor.visit(base, name, size, in);
                    throw Done.INSTANCE;
                });
            } catch (Done done) {
                return;
            }
            throw new DatasetFormatException(archive.source().toString(), 0, entry + " was not found again on the second pass");
        }

        /** Ends a pass early; carries no stack trace. */
        private static final class Done extends RuntimeException {
            static final Done INSTANCE = new Done();

            private Done() {
                super("done", null, false, false);
            }
        }

        /**
         * Reads {@code in} as a sequence of {@code recordBytes}-byte records, handing each to {@code handler}
         * (the array is reused: copy out what is kept). Rejects an empty file, a size that is not a whole
         * number of records, and a record cut short.
         */
        static void records(String where, long size, InputStream in, int recordBytes, RecordHandler handler)
                throws IOException {
            if (size == 0) {
                throw new DatasetFormatException(where, 0, "is empty");
            }
            if (size > 0 && size % recordBytes != 0) {
                throw new DatasetFormatException(where, size - size % recordBytes, "size " + size
                        + " is not a multiple of the " + recordBytes + "-byte record: " + size / recordBytes
                        + " whole records, then " + size % recordBytes + " bytes");
            }
            byte[] record = new byte[recordBytes];
            long offset = 0;
            while (true) {
                int n = in.readNBytes(record, 0, recordBytes);
                if (n == 0) {
                    break;
                }
                if (n < recordBytes) {
                    throw new DatasetFormatException(where, offset, "truncated record: " + n + " of " + recordBytes
                            + " bytes");
                }
                handler.record(offset, record);
                offset += recordBytes;
            }
            if (offset == 0) {
                throw new DatasetFormatException(where, 0, "is empty");
            }
            if (size > 0 && offset != size) {
                throw new DatasetFormatException(where, offset, "ends after " + offset + " bytes; its size is " + size);
            }
        }

        /** Reads past an entry without keeping it, checking that it holds {@code size} bytes; returns the count. */
        static long drain(String where, long size, InputStream in) throws IOException {
            long n = in.transferTo(OutputStream.nullOutputStream());
            if (size >= 0 && n != size) {
                throw new DatasetFormatException(where, n, "ends after " + n + " bytes; its size is " + size);
            }
            return n;
        }

        /** A whole small file (class names, labels), refusing anything over {@link #SMALL_FILE_LIMIT}. */
        static byte[] readSmall(String where, long size, InputStream in) throws IOException {
            if (size > SMALL_FILE_LIMIT) {
                throw new DatasetFormatException(where, SMALL_FILE_LIMIT, "is " + size + " bytes; a file of this kind"
                        + " is never larger than " + SMALL_FILE_LIMIT);
            }
            byte[] bytes = in.readNBytes(SMALL_FILE_LIMIT + 1);
            if (bytes.length > SMALL_FILE_LIMIT) {
                throw new DatasetFormatException(where, SMALL_FILE_LIMIT, "is larger than " + SMALL_FILE_LIMIT + " bytes");
            }
            if (size >= 0 && bytes.length != size) {
                throw new DatasetFormatException(where, bytes.length, "ends after " + bytes.length + " bytes; its size is "
                        + size);
            }
            return bytes;
        }

        /**
         * Class names, one a line (UTF-8; surrounding white space and blank lines ignored): exactly
         * {@code expected} of them, all different.
         */
        static List<String> classNames(String where, byte[] text, int expected) {
            List<String> names = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            int start = 0;
            while (start < text.length) {
                int end = start;
                while (end < text.length && text[end] != '\n') {
                    end++;
                }
                String name;
                try {
                    name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(text, start, end - start)).toString().strip();
                } catch (CharacterCodingException e) {
                    throw new DatasetFormatException(where, start, "line " + (names.size() + 1) + " is not UTF-8 text");
                }
                if (!name.isEmpty()) {
                    if (names.size() == expected) {
                        throw new DatasetFormatException(where, start, "more than the " + expected + " class names"
                                + " expected (extra: '" + name + "')");
                    }
                    if (!seen.add(name)) {
                        throw new DatasetFormatException(where, start, "class name '" + name + "' appears twice");
                    }
                    names.add(name);
                }
                start = end + 1;
            }
            if (names.size() != expected) {
                throw new DatasetFormatException(where, text.length, "holds " + names.size() + " class names, expected "
                        + expected);
            }
            return names;
        }
    }
}
