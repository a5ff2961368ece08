package io.metaloop.datasets.formats;

import io.metaloop.datasets.Archive;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.datasets.CountingInputStream;
import io.metaloop.datasets.DatasetFormatException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * What the readers of this package share: checking a zip's integrity before trusting it, listing a
 * source's files and folders, reading text files, and telling image files from the rest.
 */
final class SourceFiles {
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private SourceFiles() {
    }

    static boolean isZip(Path source) {
        return Files.isRegularFile(source) && source.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip");
    }

    /**
     * Opens a source and, for a zip, first checks it end to end (see {@link #checkZip}), since the
     * JDK's {@code ZipFile}, which {@link Archive} reads zips with, checks neither CRCs nor that the
     * central directory agrees with the local headers.
     */
    static Archive open(Path source, ReadOptions options) throws IOException {
        Archive archive = Archive.open(source, options.maxInflatedBytes());
        if (isZip(source)) {
            checkZip(source, options.maxInflatedBytes());
        }
        return archive;
    }

    /**
     * Reads a zip twice: its central directory (as {@code ZipFile} sees it) and its local headers and
     * data in order (as {@code ZipInputStream} sees them, which verifies every entry's CRC-32 and sizes).
     * Damage anywhere, or the two disagreeing on the entries' names, is a {@link DatasetFormatException}.
     *
     * @return every entry name of the central directory, folders (ending in '/') included
     */
    static List<String> checkZip(Path zip) throws IOException {
        return checkZip(zip, ReadOptions.DEFAULT_MAX_INFLATED_BYTES);
    }

    /** {@link #checkZip(Path)}, decompressing at most {@code maxInflatedBytes} in all. */
    static List<String> checkZip(Path zip, long maxInflatedBytes) throws IOException {
        io.metaloop.datasets.InflationBound bound = new io.metaloop.datasets.InflationBound(zip.toString(), maxInflatedBytes);
        List<String> central = new ArrayList<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            file.stream().map(ZipEntry::getName).forEach(central::add);
        } catch (ZipException | EOFException | IllegalArgumentException | IllegalStateException e) {
            // EOFException: ZipFile's answer to an end record whose comment length runs past the file's end
            throw new DatasetFormatException(zip.toString(), Files.size(zip),
                    "not a readable zip (truncated, or a corrupt central directory): " + e.getMessage());
        }
        Map<String, Integer> local = new HashMap<>();
        String current = null;
        CountingInputStream counting = new CountingInputStream(new BufferedInputStream(Files.newInputStream(zip), 1 << 16));
        try (ZipInputStream in = new ZipInputStream(counting)) {
            byte[] buffer = new byte[1 << 14];
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                current = entry.getName();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    // reading to the end makes ZipInputStream compare the CRC-32 and sizes
                    bound.count(n, zip + "!" + current);
                }
                local.merge(current, 1, Integer::sum);
            }
        } catch (io.metaloop.datasets.InflationBound.ExceededException e) {
            throw new DatasetFormatException(zip + "!" + current, counting.count(), e.getMessage());
        } catch (ZipException e) {
            if (e.getMessage() != null && e.getMessage().contains("EXT descriptor")) {
                // a STORED entry followed by a data descriptor: valid, but ZipInputStream cannot read it
                checkCrcsViaCentralDirectory(zip);
                return central;
            }
            throw new DatasetFormatException(current == null ? zip.toString() : zip + "!" + current, counting.count(),
                    "corrupt zip entry: " + e.getMessage());
        } catch (EOFException | IllegalArgumentException | IllegalStateException e) {
            throw new DatasetFormatException(current == null ? zip.toString() : zip + "!" + current, counting.count(),
                    "corrupt zip entry: " + e.getMessage());
        }
        Map<String, Integer> centralCounts = new HashMap<>();
        for (String name : central) {
            centralCounts.merge(name, 1, Integer::sum);
        }
        if (!centralCounts.equals(local)) {
            Set<String> differing = new TreeSet<>();
            for (String name : centralCounts.keySet()) {
                if (!centralCounts.get(name).equals(local.get(name))) {
                    differing.add(name);
                }
            }
            for (String name : local.keySet()) {
                if (!local.get(name).equals(centralCounts.get(name))) {
                    differing.add(name);
                }
            }
            throw new DatasetFormatException(zip.toString(), 0, "corrupt zip: the central directory and the local "
                    + "headers disagree about the entries " + abbreviate(differing));
        }
        return central;
    }

    /** The fallback of {@link #checkZip}: every entry's CRC-32 against the central directory's. */
    private static void checkCrcsViaCentralDirectory(Path zip) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            byte[] buffer = new byte[1 << 14];
            for (ZipEntry entry : file.stream().toList()) {
                if (entry.isDirectory()) {
                    continue;
                }
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                long size = 0;
                try (InputStream in = file.getInputStream(entry)) {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        crc.update(buffer, 0, n);
                        size += n;
                    }
                } catch (ZipException | EOFException | IllegalArgumentException | IllegalStateException e) {
                    throw new DatasetFormatException(zip + "!" + entry.getName(), 0, "corrupt zip entry: " + e.getMessage());
                }
                if ((entry.getCrc() != -1 && entry.getCrc() != crc.getValue()) || (entry.getSize() != -1 && entry.getSize() != size)) {
                    throw new DatasetFormatException(zip + "!" + entry.getName(), 0, "corrupt zip entry: CRC-32 or size "
                            + "differs from the central directory's");
                }
            }
        } catch (ZipException | EOFException | IllegalArgumentException | IllegalStateException e) {
            throw new DatasetFormatException(zip.toString(), 0, "not a readable zip: " + e.getMessage());
        }
    }

    private static String abbreviate(Set<String> names) {
        List<String> list = new ArrayList<>(names);
        return list.size() <= 5 ? list.toString() : list.subList(0, 5) + " and " + (list.size() - 5) + " more";
    }

    /**
     * Names of a source's files and folders: files as archive entry names, folders ending in '/'. For
     * a zip, the folders the central directory lists; for a directory, every folder under it; for a
     * tar, the files only. Folders implied by file names are always added.
     */
    static Set<String> allNames(Path source, Archive archive) throws IOException {
        Set<String> names = new TreeSet<>();
        if (Files.isDirectory(source)) {
            try (Stream<Path> walk = Files.walk(source)) {
                walk.filter(p -> !p.equals(source)).forEach(p -> {
                    String name = source.relativize(p).toString().replace('\\', '/');
                    names.add(Files.isDirectory(p) ? name + "/" : name);
                });
            }
        } else if (isZip(source)) {
            try (ZipFile file = new ZipFile(source.toFile())) {
                file.stream().map(ZipEntry::getName).forEach(names::add);
            } catch (ZipException | EOFException | IllegalArgumentException | IllegalStateException e) {
                throw new DatasetFormatException(source.toString(), 0, "not a readable zip: " + e.getMessage());
            }
        } else {
            names.addAll(archive.list());
        }
        for (String name : List.copyOf(names)) {
            for (int slash = name.indexOf('/'); slash >= 0 && slash < name.length() - 1; slash = name.indexOf('/', slash + 1)) {
                names.add(name.substring(0, slash + 1));
            }
        }
        return names;
    }

    /** The regular files of a source, in archive order (directories: sorted). */
    static List<String> files(Archive archive) throws IOException {
        return archive.list();
    }

    /** Reads the named files into memory; a name missing from the source is absent from the result. */
    static Map<String, byte[]> read(Archive archive, Set<String> names) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        archive.forEach(names::contains, (name, size, in) -> out.put(name, readWhole(where(archive.source(), name), size, in)));
        return out;
    }

    /**
     * The most bytes of one file read whole into memory (an image, a text file): far more than any file of a
     * published dataset holds, and what a raw 32-bit image of {@link ImageDecoding#MAX_PIXELS} pixels takes.
     * A decompression bomb below the bound on the whole archive must not fill the heap with one entry.
     */
    static final int MAX_FILE_BYTES = 256 << 20;

    /**
     * One file's bytes, read whole.
     *
     * @param size the size the archive or file system gives, or -1 when unknown
     * @throws DatasetFormatException naming the file when it has more than {@link #MAX_FILE_BYTES}
     */
    static byte[] readWhole(String where, long size, InputStream in) throws IOException {
        if (size > MAX_FILE_BYTES) {
            throw new DatasetFormatException(where, 0, "is " + size + " bytes, more than the " + MAX_FILE_BYTES
                    + " a file of a dataset may have");
        }
        byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        if (bytes.length > MAX_FILE_BYTES) {
            throw new DatasetFormatException(where, MAX_FILE_BYTES, "holds more than the " + MAX_FILE_BYTES
                    + " bytes a file of a dataset may have");
        }
        return bytes;
    }

    /** One line of a text file: its 1-based number, the byte offset where it starts, its text (no line break). */
    record Line(int number, long offset, String text) {
    }

    /** Lines of a UTF-8 text file (a byte-order mark is dropped, CR LF accepted, a last empty line dropped). */
    static List<Line> lines(byte[] bytes, String where) {
        List<Line> lines = new ArrayList<>();
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        int number = 1;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int textEnd = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(bytes, start, textEnd - start)).toString();
            } catch (CharacterCodingException e) {
                throw new DatasetFormatException(where, start, "line " + number + " is not UTF-8 text");
            }
            lines.add(new Line(number, start, text));
            number++;
            start = end + 1;
        }
        return lines;
    }

    /** Files an import never wants: macOS resource forks, hidden files. */
    static boolean ignored(String name) {
        for (String part : name.split("/")) {
            if (part.startsWith(".") || part.equals("__MACOSX") || part.equals("Thumbs.db")) {
                return true;
            }
        }
        return false;
    }

    static boolean isImage(String name) {
        if (ignored(name) || name.endsWith("/")) {
            return false;
        }
        int dot = name.lastIndexOf('.');
        return dot > name.lastIndexOf('/') && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    static String[] parts(String name) {
        return name.split("/");
    }

    /** {@code source!entry}, the way {@link Archive} names entries in errors. */
    static String where(Path source, String entry) {
        return Files.isDirectory(source) ? source.resolve(entry).toString() : source + "!" + entry;
    }

    /** Counts bytes read from the zip file, for error offsets. */
}
