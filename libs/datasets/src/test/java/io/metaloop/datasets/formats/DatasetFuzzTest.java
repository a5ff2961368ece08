package io.metaloop.datasets.formats;

import static io.metaloop.datasets.formats.CifarStlFixtures.file;
import static io.metaloop.datasets.formats.CifarStlFixtures.lines;
import static io.metaloop.datasets.formats.CifarStlFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.datasets.DatasetFormatException;
import io.metaloop.datasets.DatasetFormats;
import io.metaloop.datasets.IdxTestFiles;
import io.metaloop.datasets.InMemoryDataset;
import io.metaloop.datasets.LabelLevel;
import io.metaloop.datasets.Mutations;
import io.metaloop.datasets.Mutations.Mutant;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.datasets.SplitData;
import io.metaloop.datasets.formats.CifarStlFixtures.TestFile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the import of every format {@link DatasetFormats#names()} lists: {@value #INPUTS} malformed variants
 * of a small valid dataset per format, each made from a seeded {@link Random} (so each is rebuilt from its
 * format and number) by one or two of: byte damage to the archive (truncation, flips, inserted and deleted
 * bytes, zip and tar header fields at edge values, huge declared sizes, the tar inside a tar.gz), damage to
 * one file in it (its bytes, a PNG past its CRCs, an idx header, an image re-encoded as BMP, GIF, JPEG or PNG
 * with a header field at an edge value), renamed, deleted, duplicated, added, emptied or reordered entries
 * (path tricks and deep folders included), and edited text files. The dataset is stored as its format is
 * published (a zip, a tar.gz or, for the idx formats, a folder), and sometimes in one of the others. Each is
 * read once through {@link DatasetFormats#read}.
 *
 * <p>A read must either succeed, with a consistent dataset (a layout, every label inside its level or -1),
 * or throw {@link DatasetFormatException} naming a file of the source and an offset that is not negative.
 * Anything else is a crash: another exception, an error such as {@link OutOfMemoryError}, or a read still
 * running after {@value #TIMEOUT_SECONDS} s. No read may change the source. Inputs that once crashed, and the
 * decompression bombs too slow to build a thousand times, are the regression tests at the end.
 */
class DatasetFuzzTest {
    static final int INPUTS = 1000;
    private static final int TIMEOUT_SECONDS = 20;
    private static final long SEED = 0x5EED_DA7AL;

    private static ExecutorService worker;

    @BeforeAll
    static void startWorker() {
        worker = newWorker();
    }

    @AfterAll
    static void stopWorker() {
        worker.shutdownNow();
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dataset-fuzz");
            t.setDaemon(true);
            return t;
        });
    }

    // ------------------------------------------------------------------ the valid datasets

    /** How a dataset is stored for reading. */
    enum Packing { ZIP, TAR_GZ, DIRECTORY }

    /** A format's small valid dataset: its files in archive order and the container it is published in. */
    record Subject(String format, ReadOptions options, List<TestFile> files, Packing published) {
    }

    static Map<String, Subject> subjects() {
        Map<String, Subject> out = new LinkedHashMap<>();
        for (FormatFixtures.Fixture f : FormatFixtures.fixtures().values()) {
            List<TestFile> files = new ArrayList<>();
            f.files().forEach((name, bytes) -> files.add(file(name, bytes)));
            out.put(f.format(), new Subject(f.format(), f.options(), files, Packing.ZIP));
        }
        out.put(Cifar10Reader.FORMAT, new Subject(Cifar10Reader.FORMAT, ReadOptions.DEFAULTS, cifar10Release(),
                Packing.TAR_GZ));
        out.put(Cifar100Reader.FORMAT, new Subject(Cifar100Reader.FORMAT, ReadOptions.DEFAULTS, cifar100Release(),
                Packing.TAR_GZ));
        out.put(Stl10Reader.FORMAT, new Subject(Stl10Reader.FORMAT, ReadOptions.DEFAULTS, stlRelease(), Packing.TAR_GZ));
        for (String idx : List.of("fashion-mnist", "mnist")) {
            out.put(idx, new Subject(idx, ReadOptions.DEFAULTS, idxRelease(), Packing.DIRECTORY));
        }
        return out;
    }

    /** The CIFAR-10 release of {@link Cifar10ReaderTest} with one record per batch instead of three: faster to fuzz. */
    static List<TestFile> cifar10Release() {
        List<TestFile> out = new ArrayList<>();
        for (TestFile f : Cifar10ReaderTest.release()) {
            out.add(f.name().endsWith(".bin") ? file(f.name(), Arrays.copyOf(f.bytes(), Cifar10Reader.RECORD)) : f);
        }
        return out;
    }

    /** The CIFAR-100 release of {@link Cifar100ReaderTest} with two training records and one test record. */
    static List<TestFile> cifar100Release() {
        List<TestFile> out = new ArrayList<>();
        for (TestFile f : Cifar100ReaderTest.release()) {
            int records = f.name().endsWith("train.bin") ? 2 : 1;
            out.add(f.name().endsWith(".bin") ? file(f.name(), Arrays.copyOf(f.bytes(), records * Cifar100Reader.RECORD)) : f);
        }
        return out;
    }

    /** STL-10 with one image per split (the published test data holds nine, 27 KB each: slow to fuzz 1,000 times). */
    static List<TestFile> stlRelease() {
        String root = Stl10ReaderTest.ROOT;
        return List.of(
                file(root + "test_X.bin", Stl10ReaderTest.xFile(3, 1)),
                file(root + "test_y.bin", new byte[] {8}),
                file(root + "train_X.bin", Stl10ReaderTest.xFile(0, 1)),
                file(root + "train_y.bin", new byte[] {1}),
                file(root + "unlabeled_X.bin", Stl10ReaderTest.xFile(5, 1)),
                text(root + "class_names.txt", lines(Stl10ReaderTest.CLASSES)));
    }

    /** The four idx files of the MNIST family, the training pair gzipped, the test pair plain. */
    static List<TestFile> idxRelease() {
        int[] labels = {3, 0, 9, 7, 1};
        byte[] images = IdxTestFiles.imageFile();
        byte[] labelFile = IdxTestFiles.labelFile(0x00000801, labels.length, labels);
        return List.of(
                file("train-images-idx3-ubyte.gz", IdxTestFiles.gzip(images)),
                file("train-labels-idx1-ubyte.gz", IdxTestFiles.gzip(labelFile)),
                file("t10k-images-idx3-ubyte", images),
                file("t10k-labels-idx1-ubyte", labelFile));
    }

    static Stream<String> formats() {
        return DatasetFormats.names().stream();
    }

    @Test
    void everyRegisteredFormatHasAValidFixture(@TempDir Path dir) throws Exception {
        assertEquals(Set.copyOf(DatasetFormats.names()), subjects().keySet());
        for (Subject s : subjects().values()) {
            for (Packing p : s.published() == Packing.DIRECTORY ? List.of(Packing.DIRECTORY) : List.of(Packing.values())) {
                Path source = materialize(Files.createDirectories(dir.resolve(s.format() + "-" + p)), p, s.files(), null);
                InMemoryDataset data = new InMemoryDataset();
                DatasetFormats.read(s.format(), source, s.options(), data);
                assertNotNull(data.layout(), s.format() + " " + p);
                assertTrue(data.splits().values().stream().mapToInt(SplitData::count).sum() > 0, s.format() + " " + p);
            }
        }
    }

    // ------------------------------------------------------------------ the fuzz

    /** What the reads of one format came to. */
    record Tally(int inputs, int accepted, int rejected, List<String> crashes) {
    }

    @ParameterizedTest
    @MethodSource("formats")
    void malformedDatasetsAreReadOrRejectedNamingFileAndOffset(String format, @TempDir Path dir) throws Exception {
        Tally t = fuzz(subjects().get(format), dir, INPUTS);
        System.out.println("fuzz " + format + ": " + t.inputs() + " inputs, " + t.accepted() + " accepted, "
                + t.rejected() + " rejected with a named error, " + t.crashes().size() + " crashes");
        assertTrue(t.inputs() >= 1000, "only " + t.inputs() + " inputs");
        assertEquals(0, t.crashes().size(), () -> format + ": " + t.crashes().size() + " crashes, the first:\n"
                + String.join("\n", t.crashes().subList(0, Math.min(10, t.crashes().size()))));
        // the mutations must reach the reader's checks, not only be read back as if nothing happened
        assertTrue(t.rejected() >= t.inputs() / 2, format + ": only " + t.rejected() + " of " + t.inputs() + " rejected");
    }

    static Tally fuzz(Subject s, Path tempDir, int inputs) throws Exception {
        // thousands of small files are written and removed: on a RAM file system where there is one
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "dataset-fuzz") : tempDir;
        try {
            return fuzzIn(s, dir, inputs);
        } finally {
            if (!dir.equals(tempDir)) {
                deleteTree(dir);
            }
        }
    }

    private static Tally fuzzIn(Subject s, Path dir, int inputs) throws Exception {
        int accepted = 0;
        int rejected = 0;
        List<String> crashes = new ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            Random random = new Random(SEED + 1_000_003L * s.format().hashCode() + i);
            Input input = generate(s, random, i);
            Path source;
            try {
                source = materialize(dir, input.packing(), input.files(), input.container());
            } catch (IOException | UncheckedIOException e) {
                // the mutated names cannot be laid out as files (e.g. a file and a folder of one name): use a zip
                input = new Input(input.description() + ", packed as a zip", Packing.ZIP, input.files(), null);
                source = materialize(dir, Packing.ZIP, input.files(), null);
            }
            String crash = attempt(s, source, "#" + i + " " + input.packing() + ": " + input.description());
            if (crash == null) {
                rejected++;
            } else if (crash.isEmpty()) {
                accepted++;
            } else {
                crashes.add(crash);
            }
            if (Files.isDirectory(source)) {
                deleteTree(source);
            }
        }
        return new Tally(inputs, accepted, rejected, crashes);
    }

    /** @return null when rejected with a named error, "" when accepted, otherwise what went wrong */
    static String attempt(Subject s, Path source, String what) throws IOException {
        Map<String, byte[]> before = snapshot(source);
        InMemoryDataset sink = new InMemoryDataset();
        Future<?> read = worker.submit(() -> {
            DatasetFormats.read(s.format(), source, s.options(), sink);
            return null;
        });
        String outcome;
        try {
            read.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            outcome = consistency(sink);
        } catch (TimeoutException e) {
            read.cancel(true);
            worker.shutdownNow();
            worker = newWorker();
            outcome = "still reading after " + TIMEOUT_SECONDS + " s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            outcome = e.getCause() instanceof DatasetFormatException d ? named(d, source) : describe(e.getCause());
        }
        if (!sameContent(before, snapshot(source))) {
            outcome = (outcome == null || outcome.isEmpty() ? "" : outcome + "; ") + "the source was changed by the read";
        }
        return outcome == null || outcome.isEmpty() ? outcome : s.format() + " " + what + ": " + outcome;
    }

    /** "" when the dataset a successful read gave is consistent, else what is wrong with it. */
    private static String consistency(InMemoryDataset sink) {
        if (sink.layout() == null) {
            return "read without error but gave no layout";
        }
        for (var split : sink.splits().entrySet()) {
            int[] labels = split.getValue().labels();
            List<LabelLevel> levels = sink.layout().levels();
            for (int k = 0; k < labels.length; k++) {
                int classes = levels.get(k % levels.size()).classes().size();
                if (labels[k] < -1 || labels[k] >= classes) {
                    return "read without error but split " + split.getKey() + " has label " + labels[k] + " of "
                            + classes + " classes";
                }
            }
        }
        return "";
    }

    /** null when the error names a file of the source and a sensible offset, else what is wrong with it. */
    private static String named(DatasetFormatException e, Path source) {
        String file = e.file();
        boolean names = file != null && !file.isBlank() && (file.startsWith(source.toString())
                || (Files.isDirectory(source) && !file.contains("/") && Files.exists(source.resolve(file))));
        if (!names) {
            return "DatasetFormatException names '" + file + "', no file of " + source + ": " + e.getMessage();
        }
        if (e.byteOffset() < 0) {
            return "DatasetFormatException with a negative offset: " + e.getMessage();
        }
        if (!e.getMessage().startsWith(file + " at byte " + e.byteOffset() + ": ") || e.getMessage().endsWith(": ")) {
            return "DatasetFormatException without a problem stated: " + e.getMessage();
        }
        return null;
    }

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getClass().getName() + ": " + t.getMessage());
        StackTraceElement[] trace = t.getStackTrace();
        for (int k = 0; k < Math.min(8, trace.length); k++) {
            sb.append("\n        at ").append(trace[k]);
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ making malformed inputs

    /** One malformed input: how it was made, the files to pack, or (when not null) the container's bytes. */
    record Input(String description, Packing packing, List<TestFile> files, byte[] container) {
    }

    static Input generate(Subject s, Random random, int index) {
        Packing packing = s.published();
        if (packing != Packing.DIRECTORY) {
            int p = random.nextInt(10);
            packing = p < 6 ? packing : p < 8 ? (packing == Packing.ZIP ? Packing.TAR_GZ : Packing.ZIP) : Packing.DIRECTORY;
        }
        List<TestFile> files = new ArrayList<>(s.files());
        List<String> what = new ArrayList<>();
        switch (index % 6) {
            case 0 -> {
                if (packing != Packing.DIRECTORY) {
                    Mutant m = containerBytes(packing, files, random);
                    return new Input(m.description(), packing, files, m.bytes());
                }
                what.add(entryBytes(files, random));
            }
            case 1 -> what.add(entryBytes(files, random));
            case 2 -> what.add(structural(files, random, packing));
            case 3 -> what.add(textEdit(files, random));
            case 4 -> {
                what.add(structural(files, random, packing));
                what.add(entryBytes(files, random));
            }
            default -> {
                what.add(random.nextBoolean() ? textEdit(files, random) : structural(files, random, packing));
                what.add(structural(files, random, packing));
            }
        }
        if (packing == Packing.DIRECTORY && !files.stream().allMatch(f -> safeInDirectory(f.name()))) {
            packing = Packing.ZIP; // never write outside the temporary folder
        }
        return new Input(String.join("; ", what), packing, files, null);
    }

    /** The archive's own bytes damaged: plain byte mutations, header fields, or the tar inside a tar.gz. */
    private static Mutant containerBytes(Packing packing, List<TestFile> files, Random random) {
        if (packing == Packing.ZIP) {
            byte[] zip = zipBytes(files);
            return random.nextInt(3) == 0 ? Mutations.zipHeaderField(zip, random) : Mutations.mutate(zip, random);
        }
        byte[] tar = tarBytes(files);
        int pick = random.nextInt(3);
        if (pick == 0) {
            return Mutations.mutate(Mutations.gzip(tar), random);
        }
        Mutant inner = pick == 1 ? Mutations.tarHeaderField(tar, random) : Mutations.mutate(tar, random);
        return new Mutant("inner tar " + inner.description(), Mutations.gzip(inner.bytes()));
    }

    /** One file's bytes damaged: PNGs often past their CRCs, gzipped files often inside the gzip. */
    private static String entryBytes(List<TestFile> files, Random random) {
        List<Integer> regular = indices(files, f -> !f.name().endsWith("/"));
        if (regular.isEmpty()) {
            return "no file to damage";
        }
        int k = regular.get(random.nextInt(regular.size()));
        TestFile f = files.get(k);
        byte[] bytes = f.bytes();
        Mutant m;
        String format = imageFormat(bytes);
        if (format != null && random.nextInt(3) == 0) {
            // the same picture in another format the readers take, often with a header field at an edge value
            String other = new String[] {"bmp", "gif", "jpeg", "png"}[random.nextInt(4)];
            byte[] recoded = reencode(bytes, other);
            m = random.nextInt(4) == 0 ? new Mutant("re-encoded as " + other, recoded)
                    : Mutations.imageHeader(recoded, random);
            m = new Mutant(format + " re-encoded as " + other + ", " + m.description(), m.bytes());
        } else if (format != null && random.nextBoolean()) {
            m = Mutations.imageHeader(bytes, random);
        } else if (f.name().endsWith(".gz") && isGzip(bytes) && random.nextBoolean()) {
            byte[] raw = gunzip(bytes);
            Mutant inner = raw.length >= 16 && random.nextBoolean()
                    ? Mutations.setField(raw, 4 * random.nextInt(4), 4, true, Mutations.edgeValue(random))
                    : Mutations.mutate(raw, random);
            m = new Mutant("inside the gzip, " + inner.description(), Mutations.gzip(inner.bytes()));
        } else if (f.name().contains("idx") && bytes.length >= 16 && random.nextBoolean()) {
            m = Mutations.setField(bytes, 4 * random.nextInt(4), 4, true, Mutations.edgeValue(random));
        } else if (bytes.length == 0) {
            m = Mutations.insert(bytes, random);
        } else {
            m = Mutations.mutate(bytes, random);
        }
        files.set(k, file(f.name(), m.bytes()));
        return f.name() + ": " + m.description();
    }

    /** Entries renamed, deleted, duplicated, added, emptied, swapped or reordered. */
    private static String structural(List<TestFile> files, Random random, Packing packing) {
        if (files.isEmpty()) {
            files.add(file("lonely.png", FormatFixtures.patternPng(2, 2, 1)));
            return "one stray image in an empty dataset";
        }
        int k = random.nextInt(files.size());
        TestFile f = files.get(k);
        switch (random.nextInt(10)) {
            case 0 -> {
                files.remove(k);
                return "deleted " + f.name();
            }
            case 1 -> {
                String folder = f.name().contains("/") ? f.name().substring(0, f.name().lastIndexOf('/') + 1) : "";
                files.removeIf(g -> g.name().startsWith(folder) && g.name().indexOf('/', folder.length()) < 0);
                return "deleted every file directly in '" + folder + "'";
            }
            case 2, 3 -> {
                String name = renamed(f.name(), files, random);
                files.set(k, file(name, f.bytes()));
                return "renamed " + f.name() + " to '" + printable(name) + "'";
            }
            case 4 -> {
                TestFile other = files.get(random.nextInt(files.size()));
                byte[] bytes = random.nextBoolean() ? f.bytes() : other.bytes();
                files.add(random.nextInt(files.size() + 1), file(f.name(), bytes));
                return "a second " + f.name() + (bytes == f.bytes() ? ", same bytes" : " with the bytes of " + other.name());
            }
            case 5 -> {
                String folder = f.name().contains("/") ? f.name().substring(0, f.name().lastIndexOf('/') + 1) : "";
                String[] names = {"extra.png", "extra.jpg", "notes.txt", "empty.png", "sub/", "x.PNG", ".hidden.png",
                    "__MACOSX/" + folder + "._a.png"};
                String name = names[random.nextInt(names.length)];
                byte[] bytes = switch (name) {
                    case "empty.png", "sub/" -> new byte[0];
                    case "notes.txt" -> "some words\n".getBytes(StandardCharsets.UTF_8);
                    default -> random.nextBoolean() ? f.bytes() : randomBytes(random, 1 + random.nextInt(64));
                };
                String full = name.startsWith("__MACOSX") ? name : folder + name;
                files.add(random.nextInt(files.size() + 1), file(full, bytes));
                return "added " + full + " (" + bytes.length + " bytes)";
            }
            case 6 -> {
                files.set(k, file(f.name(), new byte[0]));
                return "emptied " + f.name();
            }
            case 7 -> {
                TestFile other = files.get(random.nextInt(files.size()));
                files.set(k, file(f.name(), other.bytes()));
                return f.name() + " given the bytes of " + other.name();
            }
            case 8 -> {
                Collections.shuffle(files, random);
                return "entries shuffled";
            }
            default -> {
                int j = random.nextInt(files.size());
                TestFile other = files.get(j);
                files.set(k, file(other.name(), f.bytes()));
                files.set(j, file(f.name(), other.bytes()));
                return "names of " + f.name() + " and " + other.name() + " swapped";
            }
        }
    }

    /** A new name: a changed character, a path trick, another extension, another depth, or a folder. */
    private static String renamed(String name, List<TestFile> files, Random random) {
        int slash = name.lastIndexOf('/');
        String base = name.substring(slash + 1);
        String folder = name.substring(0, slash + 1);
        return switch (random.nextInt(12)) {
            case 0 -> {
                char[] c = name.toCharArray();
                if (c.length == 0) {
                    yield "x";
                }
                c[random.nextInt(c.length)] = "abcXYZ019_-. /é".charAt(random.nextInt(15));
                yield new String(c);
            }
            case 1 -> new String[] {"../", "/", "./", "a/../../", "C:/", "//"}[random.nextInt(6)] + name;
            case 2 -> {
                String[] inserts = {"\\", "\u0000", "\u0001", "é", "\uFFFD", "//", "/./", "/../"};
                int at = random.nextInt(name.length() + 1);
                yield name.substring(0, at) + inserts[random.nextInt(inserts.length)] + name.substring(at);
            }
            case 3 -> {
                int dot = base.lastIndexOf('.');
                String stem = dot < 0 ? base : base.substring(0, dot);
                yield folder + stem + new String[] {".txt", ".PNG", ".jpg", "", ".gif", ".bmp", ".bin", ".gz"}[random.nextInt(8)];
            }
            case 4 -> {
                int up = folder.isEmpty() ? -1 : folder.lastIndexOf('/', folder.length() - 2);
                yield folder.isEmpty() ? "extra/" + name : folder.substring(0, up + 1) + base;
            }
            case 5 -> folder + "deeper/" + base;
            case 6 -> folder + "d/".repeat(30 + random.nextInt(40)) + base;
            case 7 -> base;
            case 8 -> name.toUpperCase(java.util.Locale.ROOT);
            case 9 -> name + "/";
            case 10 -> {
                // the folder of another entry: e.g. an image moved into another class or split
                String other = files.get(random.nextInt(files.size())).name();
                yield other.substring(0, other.lastIndexOf('/') + 1) + base;
            }
            default -> "p/".repeat(2 + random.nextInt(4)) + name;
        };
    }

    /** A text file (class names, split lists, CSVs, annotations) edited line by line; without one, a structural change. */
    private static String textEdit(List<TestFile> files, Random random) {
        List<Integer> texts = indices(files, f -> f.name().endsWith(".txt") || f.name().endsWith(".csv"));
        if (texts.isEmpty()) {
            return entryBytes(files, random);
        }
        int k = texts.get(random.nextInt(texts.size()));
        TestFile f = files.get(k);
        List<String> lines = new ArrayList<>(Arrays.asList(new String(f.bytes(), StandardCharsets.UTF_8).split("\n", -1)));
        int i = random.nextInt(lines.size());
        String what;
        switch (random.nextInt(9)) {
            case 0 -> {
                lines.remove(i);
                what = "line " + (i + 1) + " deleted";
            }
            case 1 -> {
                lines.add(i, lines.get(i));
                what = "line " + (i + 1) + " doubled";
            }
            case 2 -> {
                int j = random.nextInt(lines.size());
                Collections.swap(lines, i, j);
                what = "lines " + (i + 1) + " and " + (j + 1) + " swapped";
            }
            case 3 -> {
                // a line of another text file: e.g. a class of another split
                TestFile other = files.get(texts.get(random.nextInt(texts.size())));
                String[] otherLines = new String(other.bytes(), StandardCharsets.UTF_8).split("\n");
                String line = otherLines[random.nextInt(otherLines.length)];
                lines.add(i, line);
                what = "line '" + printable(line) + "' of " + other.name() + " inserted at " + (i + 1);
            }
            case 4 -> {
                String token = token(files, random);
                lines.set(i, token);
                what = "line " + (i + 1) + " replaced by '" + printable(token) + "'";
            }
            case 5 -> {
                lines.set(i, lines.get(i) + new String[] {"\r", "\t", ",", " ", ",,", "\t\t1", "\u0000"}[random.nextInt(7)]);
                what = "line " + (i + 1) + " given a trailing separator";
            }
            case 6 -> {
                byte[] b = f.bytes();
                int at = random.nextInt(b.length + 1);
                byte[] out = new byte[b.length + 2];
                System.arraycopy(b, 0, out, 0, at);
                out[at] = (byte) 0xC3;
                out[at + 1] = (byte) 0x28; // not UTF-8
                System.arraycopy(b, at, out, at + 2, b.length - at);
                files.set(k, file(f.name(), out));
                return f.name() + ": invalid UTF-8 at byte " + at;
            }
            case 7 -> {
                lines.add(i, "\uFEFF" + "x".repeat(random.nextInt(5000)));
                what = "a long line inserted at " + (i + 1);
            }
            default -> {
                lines = new ArrayList<>(List.of(""));
                what = "emptied";
            }
        }
        files.set(k, file(f.name(), String.join("\n", lines).getBytes(StandardCharsets.UTF_8)));
        return f.name() + ": " + what;
    }

    /** A word a line might hold: a folder or file name of the dataset, a path trick, or separators. */
    private static String token(List<TestFile> files, Random random) {
        if (random.nextBoolean()) {
            String[] parts = files.get(random.nextInt(files.size())).name().split("/");
            return parts[random.nextInt(parts.length)];
        }
        String[] tokens = {"", " ", "\t", ",", "a,b,c", "../x", "..", ".", "/", "filename,label", "n01000001",
            "x.png,n01000001", "val_0.JPEG\tn01000001\t0\tx\t1\t1", "n01000001\t", "\u00e9\u4e2d"};
        return tokens[random.nextInt(tokens.length)];
    }

    // ------------------------------------------------------------------ packing

    /**
     * Writes an input under {@code dir}: the container bytes, or the files packed, as {@code dataset.zip},
     * {@code dataset.tar.gz} (each overwriting the previous input's) or the folder {@code dataset}; returns it.
     */
    static Path materialize(Path dir, Packing packing, List<TestFile> files, byte[] container) throws IOException {
        Files.createDirectories(dir);
        switch (packing) {
            case ZIP -> {
                Path zip = dir.resolve("dataset.zip");
                Files.write(zip, container != null ? container : zipBytes(files));
                return zip;
            }
            case TAR_GZ -> {
                Path tgz = dir.resolve("dataset.tar.gz");
                Files.write(tgz, container != null ? container : Mutations.gzip(tarBytes(files)));
                return tgz;
            }
            default -> {
                Path root = dir.resolve("dataset");
                if (Files.exists(root)) {
                    deleteTree(root); // left over from a layout that failed half-way
                }
                Files.createDirectories(root);
                for (TestFile f : files) {
                    Path p = root.resolve(f.name());
                    if (f.name().endsWith("/")) {
                        Files.createDirectories(p);
                    } else {
                        Files.createDirectories(p.getParent());
                        Files.write(p, f.bytes());
                    }
                }
                return root;
            }
        }
    }

    /**
     * A zip as {@link FormatFixtures#writeZip} writes it (folder entries first); a name that occurs again is
     * written under a stand-in of the same length, then patched to the name ({@code ZipOutputStream}
     * refuses duplicates).
     */
    static byte[] zipBytes(List<TestFile> files) {
        Map<String, byte[]> unique = new LinkedHashMap<>();
        Map<String, String> standIns = new LinkedHashMap<>();
        for (TestFile f : files) {
            String name = f.name();
            if (unique.containsKey(name) && !name.isEmpty()) {
                String standIn = standIn(name, unique.keySet(), files);
                standIns.put(standIn, name);
                name = standIn;
            }
            unique.putIfAbsent(name, f.bytes());
        }
        byte[] zip = FormatFixtures.zipBytes(unique);
        for (var e : standIns.entrySet()) {
            zip = Mutations.replaceName(zip, e.getKey(), e.getValue());
        }
        return zip;
    }

    /** {@code name} with its last character replaced so that it is new and no other name contains it. */
    private static String standIn(String name, Set<String> taken, List<TestFile> files) {
        for (char c : "~^!=+%@".toCharArray()) {
            String candidate = name.substring(0, name.length() - 1) + c;
            if (!taken.contains(candidate) && files.stream().noneMatch(f -> f.name().contains(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no stand-in for " + name);
    }

    /** A tar with long names as POSIX headers; names ending in '/' are folder entries; duplicates kept. */
    static byte[] tarBytes(List<TestFile> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (TestFile f : files) {
                TarArchiveEntry entry = new TarArchiveEntry(f.name(), true);
                entry.setModTime(1_240_000_000_000L); // the same bytes on every run
                if (!f.name().endsWith("/")) {
                    entry.setSize(f.bytes().length);
                }
                out.putArchiveEntry(entry);
                if (!f.name().endsWith("/")) {
                    out.write(f.bytes());
                }
                out.closeArchiveEntry();
            }
            out.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** "png" or "jpeg" for the images of the fixtures, else null. */
    private static String imageFormat(byte[] bytes) {
        if (Mutations.isPng(bytes)) {
            return "png";
        }
        return bytes.length > 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8 ? "jpeg" : null;
    }

    /** An image file written again in another format; as RGB where the format cannot take the image's own type. */
    private static byte[] reencode(byte[] encoded, String format) {
        try {
            BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(encoded));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
                rgb.getGraphics().drawImage(image, 0, 0, null);
                out.reset();
                if (!ImageIO.write(rgb, format, out)) {
                    throw new IllegalStateException("no ImageIO writer for " + format);
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the bytes are one whole, undamaged gzip stream (a file an earlier mutation left intact). */
    private static boolean isGzip(byte[] bytes) {
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Relative, without NUL, '..' or '.' segments, no longer than a file system takes: safe to write under a folder. */
    private static boolean safeInDirectory(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\u0000") || name.contains("\\") || name.length() > 1000) {
            return false;
        }
        for (String part : name.split("/")) {
            if (part.equals("..") || part.equals(".") || part.getBytes(StandardCharsets.UTF_8).length > 200) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ small helpers

    /** The source's files and their bytes, to tell whether a read changed anything. */
    private static Map<String, byte[]> snapshot(Path source) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        if (Files.isDirectory(source)) {
            try (Stream<Path> walk = Files.walk(source)) {
                for (Path p : walk.toList()) {
                    out.put(source.relativize(p).toString(), Files.isRegularFile(p) ? Files.readAllBytes(p) : new byte[0]);
                }
            }
        } else {
            out.put("", Files.readAllBytes(source));
        }
        return out;
    }

    private static boolean sameContent(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        return a.keySet().stream().allMatch(k -> Arrays.equals(a.get(k), b.get(k)));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static List<Integer> indices(List<TestFile> files, java.util.function.Predicate<TestFile> test) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (test.test(files.get(i))) {
                out.add(i);
            }
        }
        return out;
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.substring(0, Math.min(s.length(), 80)).toCharArray()) {
            sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return s.length() > 80 ? sb + "..." : sb.toString();
    }

    // ------------------------------------------------------------------ regressions

    /** Reads {@code source} as {@code format} and returns the format error it must end in. */
    private static DatasetFormatException rejected(String format, Path source) {
        InMemoryDataset sink = new InMemoryDataset();
        return org.junit.jupiter.api.Assertions.assertThrows(DatasetFormatException.class,
                () -> DatasetFormats.read(format, source, ReadOptions.DEFAULTS, sink));
    }

    /** Fuzz input "fashion-mnist #14: deleted every file directly in ''" ended in a FileNotFoundException. */
    @Test
    void anEmptyIdxFolderIsAFormatErrorNamingTheFolder(@TempDir Path dir) {
        DatasetFormatException e = rejected("fashion-mnist", dir);
        assertEquals(dir.toString(), e.file());
        assertEquals(0, e.byteOffset());
        assertTrue(e.getMessage().endsWith("no train-labels-idx1-ubyte or train-labels-idx1-ubyte.gz in the folder"),
                e.getMessage());
    }

    /** Fuzz input "mnist #5: renamed train-labels-idx1-ubyte.gz to 'p/p/p/p/train-labels-idx1-ubyte.gz'" likewise. */
    @Test
    void anIdxFileMovedIntoASubfolderIsAFormatError(@TempDir Path dir) throws Exception {
        List<TestFile> files = new ArrayList<>(idxRelease());
        files.set(1, file("p/p/p/p/" + files.get(1).name(), files.get(1).bytes()));
        Path source = materialize(dir, Packing.DIRECTORY, files, null);
        DatasetFormatException e = rejected("mnist", source);
        assertEquals(source.toString(), e.file());
        assertTrue(e.getMessage().contains("no train-labels-idx1-ubyte or train-labels-idx1-ubyte.gz"), e.getMessage());
    }

    /** The idx formats read a folder; a zip of the four files is named as not one (was FileNotFoundException). */
    @Test
    void anIdxSourceThatIsNoFolderIsAFormatError(@TempDir Path dir) throws Exception {
        Path zip = materialize(dir, Packing.ZIP, idxRelease(), null);
        DatasetFormatException e = rejected("fashion-mnist", zip);
        assertEquals(zip.toString(), e.file());
        assertTrue(e.getMessage().contains("not a folder"), e.getMessage());
    }

    /** {@code count} gzip members of 1 MiB of zeros each: about 1 KB a MiB, concatenated as gzip allows. */
    private static byte[] zeroMembers(int count) {
        byte[] member = Mutations.gzip(new byte[1 << 20]);
        byte[] out = new byte[member.length * count];
        for (int k = 0; k < count; k++) {
            System.arraycopy(member, 0, out, k * member.length, member.length);
        }
        return out;
    }

    /**
     * A 2 MB {@code train-images-idx3-ubyte.gz} whose valid header is followed by 2 GiB of zeros was inflated
     * whole ({@code readAllBytes}) until the heap ran out; reading now stops at the bound on an idx file.
     */
    @Test
    void anIdxGzipBombIsRefusedAtTheBound(@TempDir Path dir) throws Exception {
        List<TestFile> files = new ArrayList<>(idxRelease());
        byte[] header = Arrays.copyOf(IdxTestFiles.imageFile(), 16);
        byte[] head = Mutations.gzip(header);
        byte[] zeros = zeroMembers(2048);
        byte[] bomb = Arrays.copyOf(head, head.length + zeros.length);
        System.arraycopy(zeros, 0, bomb, head.length, zeros.length);
        assertTrue(bomb.length < 4 << 20, "the bomb is " + bomb.length + " bytes");
        files.set(0, file("train-images-idx3-ubyte.gz", bomb));
        Path source = materialize(dir, Packing.DIRECTORY, files, null);
        DatasetFormatException e = rejected("fashion-mnist", source);
        assertEquals("train-images-idx3-ubyte.gz", e.file());
        assertTrue(e.getMessage().contains("decompresses to more than the 268435456 bytes an idx file may have"),
                e.getMessage());
        assertTrue(e.byteOffset() > 0 && e.byteOffset() <= bomb.length, e.getMessage());
    }

    /** A tar entry: its 512-byte header, its bytes, zeros to the next 512-byte boundary. */
    private static byte[] tarEntry(String name, long size, byte[] bytes) {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        byte[] header = new byte[512];
        entry.writeEntryHeader(header);
        byte[] out = new byte[512 + (bytes.length + 511) / 512 * 512];
        System.arraycopy(header, 0, out, 0, 512);
        System.arraycopy(bytes, 0, out, 512, bytes.length);
        return out;
    }

    /**
     * An image entry of 257 MiB (zeros, 300 KB compressed, within the bound on a whole archive) was read
     * into one array before decoding; an entry over the bound on one file is now refused, naming it, before
     * any of it is read.
     */
    @Test
    void anArchiveEntryOverTheBoundOnOneFileIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream tgz = new ByteArrayOutputStream();
        for (var e : FormatFixtures.imageFolderFiles("data/").entrySet()) {
            tgz.writeBytes(Mutations.gzip(tarEntry(e.getKey(), e.getValue().length, e.getValue())));
        }
        long big = (257L << 20);
        tgz.writeBytes(Mutations.gzip(tarEntry("data/train/cat/big.png", big, new byte[0])));
        tgz.writeBytes(zeroMembers(257));
        tgz.writeBytes(Mutations.gzip(new byte[1024])); // the end-of-archive blocks
        Path source = dir.resolve("data.tar.gz");
        Files.write(source, tgz.toByteArray());
        DatasetFormatException e = rejected("image-folder", source);
        assertEquals(source + "!data/train/cat/big.png", e.file());
        assertTrue(e.getMessage().endsWith("is " + big + " bytes, more than the 268435456 a file of a dataset may have"),
                e.getMessage());
    }
}
