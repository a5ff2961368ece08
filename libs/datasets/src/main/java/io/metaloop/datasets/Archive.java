package io.metaloop.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A dataset as published: a directory, a {@code .zip}, a {@code .tar} or a {@code .tar.gz}/{@code .tgz},
 * read the same way. Entry names use '/' and are relative to the archive's (or directory's) root.
 * Damage is reported as a {@link DatasetFormatException} naming the archive, the entry and, where
 * known, the byte offset in the archive.
 *
 * <p>Entries are streamed, never written to disk, so a name like {@code ../../etc/passwd} cannot
 * escape anywhere; readers treat names as labels only. Each read pass ({@link #forEach}) may
 * decompress at most {@code maxInflatedBytes} (a zip or tar.gz "bomb" stops there with an error
 * naming the entry and the bound); a directory's files are read as they are.
 */
public final class Archive {
    private final Path source;
    private final Kind kind;
    private final long maxInflatedBytes;

    private enum Kind { DIRECTORY, ZIP, TAR, TAR_GZ }

    private Archive(Path source, Kind kind, long maxInflatedBytes) {
        this.source = source;
        this.kind = kind;
        this.maxInflatedBytes = maxInflatedBytes;
    }

    /** {@link #open(Path, long)} with {@link ReadOptions#DEFAULT_MAX_INFLATED_BYTES}. */
    public static Archive open(Path source) {
        return open(source, ReadOptions.DEFAULT_MAX_INFLATED_BYTES);
    }

    /**
     * @param maxInflatedBytes the most bytes one read pass may decompress
     * @throws DatasetFormatException when {@code source} is neither a directory nor a known archive
     */
    public static Archive open(Path source, long maxInflatedBytes) {
        Kind kind = kindOf(source);
        return new Archive(source, kind, maxInflatedBytes);
    }

    public long maxInflatedBytes() {
        return maxInflatedBytes;
    }

    private static Kind kindOf(Path source) {
        if (Files.isDirectory(source)) {
            return Kind.DIRECTORY;
        }
        if (!Files.isRegularFile(source)) {
            throw new DatasetFormatException(source.toString(), 0, "no such file or directory");
        }
        String name = source.getFileName().toString().toLowerCase();
        if (name.endsWith(".zip")) {
            return Kind.ZIP;
        }
        if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
            return Kind.TAR_GZ;
        }
        if (name.endsWith(".tar")) {
            return Kind.TAR;
        }
        throw new DatasetFormatException(source.toString(), 0, "not a directory, .zip, .tar or .tar.gz");
    }

    public Path source() {
        return source;
    }

    /** What a visitor sees of one file in the archive. */
    public interface EntryVisitor {
        /** @param in the entry's bytes; valid during the call only */
        void visit(String name, long size, InputStream in) throws IOException;
    }

    /** Names of the regular files, in archive order (directory trees: sorted). */
    public List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        forEach(n -> true, (name, size, in) -> names.add(name));
        return names;
    }

    /** Visits every regular file, in archive order (directory trees: sorted by name). */
    public void forEach(EntryVisitor visitor) throws IOException {
        forEach(n -> true, visitor);
    }

    /** Visits the regular files whose names {@code wanted} accepts; others are skipped without reading. */
    public void forEach(java.util.function.Predicate<String> wanted, EntryVisitor visitor) throws IOException {
        switch (kind) {
            case DIRECTORY -> visitDirectory(wanted, visitor);
            case ZIP -> visitZip(wanted, visitor);
            case TAR, TAR_GZ -> visitTar(wanted, visitor);
        }
    }

    private void visitDirectory(java.util.function.Predicate<String> wanted, EntryVisitor visitor) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(source)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String name = source.relativize(file).toString().replace('\\', '/');
            if (wanted.test(name)) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                    visitor.visit(name, Files.size(file), in);
                }
            }
        }
    }

    private void visitZip(java.util.function.Predicate<String> wanted, EntryVisitor visitor) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(source.toFile());
        } catch (ZipException | java.io.EOFException e) {
            // ZipFile throws a bare EOFException when the end record's comment length points past the file's end
            throw new DatasetFormatException(source.toString(), Files.size(source),
                    "not a readable zip (truncated or corrupt central directory): " + e.getMessage());
        }
        try (zip) {
            List<? extends ZipEntry> entries = inOrder(zip.entries());
            InflationBound bound = new InflationBound(source.toString(), maxInflatedBytes);
            for (ZipEntry entry : entries) {
                if (entry.isDirectory() || !wanted.test(entry.getName())) {
                    continue;
                }
                try (InputStream in = bound.wrap(zip.getInputStream(entry), source + "!" + entry.getName())) {
                    visitor.visit(entry.getName(), entry.getSize(), in);
                } catch (InflationBound.ExceededException e) {
                    throw new DatasetFormatException(source + "!" + entry.getName(), 0, e.getMessage());
                } catch (ZipException | java.io.EOFException e) {
                    throw new DatasetFormatException(source + "!" + entry.getName(), 0,
                            "corrupt zip entry: " + e.getMessage());
                }
            }
        }
    }

    private static List<? extends ZipEntry> inOrder(Enumeration<? extends ZipEntry> entries) {
        List<ZipEntry> list = new ArrayList<>();
        entries.asIterator().forEachRemaining(list::add);
        return list;
    }

    private void visitTar(java.util.function.Predicate<String> wanted, EntryVisitor visitor) throws IOException {
        CountingInputStream raw = new CountingInputStream(new BufferedInputStream(Files.newInputStream(source), 1 << 16));
        String current = null;
        InflationBound bound = new InflationBound(source.toString(), maxInflatedBytes);
        try (InputStream decompressed = kind == Kind.TAR_GZ
                ? bound.wrap(new GZIPInputStream(raw, 1 << 16), source.toString()) : raw;
             TarArchiveInputStream tar = new TarArchiveInputStream(decompressed)) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                current = entry.getName();
                if (!entry.isCheckSumOK()) {
                    // commons-compress records a header checksum mismatch but reads on
                    throw new DatasetFormatException(where(current), raw.count(), "damaged tar header (checksum mismatch)");
                }
                if (!entry.isFile() || !wanted.test(strip(entry.getName()))) {
                    continue;
                }
                visitor.visit(strip(entry.getName()), entry.getSize(), tar);
            }
            if (kind == Kind.TAR_GZ) {
                // Read to the end of the gzip stream so that GZIPInputStream checks its trailer (CRC-32 and
                // length): the tar reader stops at the end of the last tar record, short of the trailer, so
                // a cut-off trailer or data corrupted in a way inflate cannot see would otherwise pass.
                current = null;
                decompressed.transferTo(java.io.OutputStream.nullOutputStream());
            }
        } catch (InflationBound.ExceededException e) {
            throw new DatasetFormatException(where(current), raw.count(), e.getMessage());
        } catch (java.io.EOFException e) {
            throw new DatasetFormatException(where(current), raw.count(), "archive truncated: " + e.getMessage());
        } catch (java.util.zip.ZipException e) {
            throw new DatasetFormatException(where(current), raw.count(), "corrupt gzip data: " + e.getMessage());
        } catch (IllegalArgumentException | IOException e) {
            throw new DatasetFormatException(where(current), raw.count(), "corrupt tar archive: " + e.getMessage());
        }
    }

    private String where(String entry) {
        return entry == null ? source.toString() : source + "!" + strip(entry);
    }

    private static String strip(String name) {
        return name.startsWith("./") ? name.substring(2) : name;
    }

    /** Counts the compressed bytes consumed, for error offsets. */
}
