package io.metaloop.datasets.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.metaloop.datasets.DatasetFormatException;
import io.metaloop.datasets.DatasetReader;
import io.metaloop.datasets.InMemoryDataset;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.datasets.SplitData;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Test data for the CIFAR-10, CIFAR-100 and STL-10 readers: files in the published layouts, packed as the
 * published {@code .tar.gz} (or a {@code .tar}, a {@code .zip}, an extracted directory), and the
 * truncation / bit-flip sweep.
 */
final class CifarStlFixtures {
    private CifarStlFixtures() {
    }

    /** One file of a dataset: its path inside the archive and its bytes. */
    record TestFile(String name, byte[] bytes) {
    }

    static TestFile file(String name, byte[] bytes) {
        return new TestFile(name, bytes);
    }

    static TestFile text(String name, String text) {
        return new TestFile(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Lines joined with '\n', with the trailing newline the published meta files have. */
    static String lines(List<String> lines) {
        return String.join("\n", lines) + "\n";
    }

    static Path tarGz(Path out, List<TestFile> files) {
        try (OutputStream raw = Files.newOutputStream(out); GZIPOutputStream gz = new GZIPOutputStream(raw)) {
            writeTar(gz, files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static Path tar(Path out, List<TestFile> files) {
        try (OutputStream raw = Files.newOutputStream(out)) {
            writeTar(raw, files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * A tar as GNU tar writes the published ones: a directory entry for every folder, then the files in the
     * given order, the whole padded with zeros to a multiple of 10,240 bytes (20 blocks of 512).
     */
    private static void writeTar(OutputStream out, List<TestFile> files) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 10240);
        TreeSet<String> dirs = new TreeSet<>();
        for (TestFile f : files) {
            for (int i = f.name().indexOf('/'); i >= 0; i = f.name().indexOf('/', i + 1)) {
                dirs.add(f.name().substring(0, i + 1));
            }
        }
        for (String dir : dirs) {
            TarArchiveEntry entry = new TarArchiveEntry(dir);
            entry.setModTime(1_240_000_000_000L);
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
        }
        for (TestFile f : files) {
            TarArchiveEntry entry = new TarArchiveEntry(f.name());
            entry.setSize(f.bytes().length);
            entry.setModTime(1_240_000_000_000L);
            tar.putArchiveEntry(entry);
            tar.write(f.bytes());
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }

    static Path zip(Path out, List<TestFile> files) {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            for (TestFile f : files) {
                zip.putNextEntry(new ZipEntry(f.name()));
                zip.write(f.bytes());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The files extracted under {@code dir}; returns {@code dir}. */
    static Path directory(Path dir, List<TestFile> files) {
        try {
            for (TestFile f : files) {
                Path p = dir.resolve(f.name());
                Files.createDirectories(p.getParent());
                Files.write(p, f.bytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** {@code files} with the one named {@code name} (exactly one must be) replaced by {@code bytes}. */
    static List<TestFile> replace(List<TestFile> files, String name, byte[] bytes) {
        List<TestFile> out = new ArrayList<>();
        int hits = 0;
        for (TestFile f : files) {
            if (f.name().equals(name)) {
                out.add(new TestFile(name, bytes));
                hits++;
            } else {
                out.add(f);
            }
        }
        assertEquals(1, hits, name);
        return out;
    }

    static List<TestFile> without(List<TestFile> files, String name) {
        List<TestFile> out = new ArrayList<>(files);
        assertTrue(out.removeIf(f -> f.name().equals(name)), name);
        return out;
    }

    static TestFile named(List<TestFile> files, String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    static InMemoryDataset read(DatasetReader reader, Path source) throws IOException {
        return read(reader, source, ReadOptions.DEFAULTS);
    }

    static InMemoryDataset read(DatasetReader reader, Path source, ReadOptions options) throws IOException {
        InMemoryDataset sink = new InMemoryDataset();
        reader.read(source, options, sink);
        return sink;
    }

    /** Reading must fail with a format error before the sink has seen anything. */
    static DatasetFormatException reject(DatasetReader reader, Path source) {
        InMemoryDataset sink = new InMemoryDataset();
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> reader.read(source, ReadOptions.DEFAULTS, sink));
        assertEquals(null, sink.layout(), "the sink got a layout before the error: " + e.getMessage());
        return e;
    }

    static void assertError(DatasetFormatException e, String fileSuffix, long offset, String messagePart) {
        assertTrue(e.file().endsWith(fileSuffix), "file " + e.file() + " should end with " + fileSuffix + ": " + e.getMessage());
        assertEquals(offset, e.byteOffset(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), "'" + e.getMessage() + "' should mention '" + messagePart + "'");
    }

    /** Same layout and, split by split in the same order, the same images and labels. */
    static void assertSameDataset(InMemoryDataset expected, InMemoryDataset actual) {
        assertEquals(expected.layout(), actual.layout());
        Map<String, SplitData> e = expected.splits();
        Map<String, SplitData> a = actual.splits();
        assertEquals(List.copyOf(e.keySet()), List.copyOf(a.keySet()));
        for (String split : e.keySet()) {
            assertEquals(e.get(split).count(), a.get(split).count(), split);
            assertArrayEquals(e.get(split).pixels(), a.get(split).pixels(), split);
            assertArrayEquals(e.get(split).labels(), a.get(split).labels(), split);
        }
    }

    /** What a sweep saw. */
    record SweepResult(int truncations, int truncationsRejected, int flips, int flipsRejected, List<Integer> flipsRead) {
        /** A gzip file's only bytes no check covers: the header's time stamp (4–7), extra flags (8) and OS (9). */
        boolean onlyUncheckedGzipHeaderFlipsRead() {
            return flipsRead.stream().allMatch(p -> p >= 4 && p <= 9);
        }
    }

    /**
     * Damages a valid archive: truncated at {@code cuts} lengths spread over the file (plus the last few
     * bytes, where the gzip trailer sits), and with single bytes inverted at {@code flips} positions spread
     * over it (plus the 10-byte gzip header). Every attempt must end in a {@link DatasetFormatException} or
     * read successfully — and then give exactly the undamaged data (a flip no check can see, e.g. the gzip
     * header's time stamp). Anything else fails the test, naming the damage.
     */
    static SweepResult sweep(DatasetReader reader, Path valid, Path work, int cuts, int flips) throws IOException {
        byte[] bytes = Files.readAllBytes(valid);
        InMemoryDataset expected = read(reader, valid);
        String name = valid.getFileName().toString();
        Path damaged = work.resolve(name);
        TreeSet<Integer> lengths = new TreeSet<>();
        for (int i = 0; i < cuts; i++) {
            lengths.add((int) ((long) i * bytes.length / cuts));
        }
        for (int back = 1; back <= 9; back++) {
            lengths.add(bytes.length - back);
        }
        int truncationsRejected = 0;
        for (int length : lengths) {
            write(damaged, java.util.Arrays.copyOf(bytes, length));
            if (attempt(reader, damaged, expected, "truncated to " + length + " of " + bytes.length + " bytes")) {
                truncationsRejected++;
            }
        }
        TreeSet<Integer> positions = new TreeSet<>();
        for (int i = 0; i < flips; i++) {
            positions.add((int) ((long) i * (bytes.length - 1) / (flips - 1)));
        }
        for (int p = 0; p < Math.min(10, bytes.length); p++) {
            positions.add(p);
        }
        int flipsRejected = 0;
        List<Integer> read = new ArrayList<>();
        for (int position : positions) {
            byte[] copy = bytes.clone();
            copy[position] ^= (byte) 0xFF;
            write(damaged, copy);
            if (attempt(reader, damaged, expected, "byte " + position + " of " + bytes.length + " inverted")) {
                flipsRejected++;
            } else {
                read.add(position);
            }
        }
        return new SweepResult(lengths.size(), truncationsRejected, positions.size(), flipsRejected, read);
    }

    /** True when the damaged file was rejected with a format error; false when it read back unchanged. */
    private static boolean attempt(DatasetReader reader, Path damaged, InMemoryDataset expected, String damage) {
        InMemoryDataset sink = new InMemoryDataset();
        try {
            reader.read(damaged, ReadOptions.DEFAULTS, sink);
        } catch (DatasetFormatException e) {
            assertTrue(e.file().startsWith(damaged.toString()), damage + ": error names " + e.file());
            return true;
        } catch (Throwable t) {
            fail(damage + ": " + t.getClass().getName() + " instead of a DatasetFormatException", t);
        }
        try {
            assertSameDataset(expected, sink);
        } catch (AssertionError e) {
            fail(damage + ": read without error but the data differ", e);
        }
        return false;
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
