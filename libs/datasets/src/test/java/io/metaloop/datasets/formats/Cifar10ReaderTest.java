package io.metaloop.datasets.formats;

import static io.metaloop.datasets.formats.CifarStlFixtures.assertError;
import static io.metaloop.datasets.formats.CifarStlFixtures.assertSameDataset;
import static io.metaloop.datasets.formats.CifarStlFixtures.directory;
import static io.metaloop.datasets.formats.CifarStlFixtures.file;
import static io.metaloop.datasets.formats.CifarStlFixtures.lines;
import static io.metaloop.datasets.formats.CifarStlFixtures.read;
import static io.metaloop.datasets.formats.CifarStlFixtures.reject;
import static io.metaloop.datasets.formats.CifarStlFixtures.replace;
import static io.metaloop.datasets.formats.CifarStlFixtures.tar;
import static io.metaloop.datasets.formats.CifarStlFixtures.tarGz;
import static io.metaloop.datasets.formats.CifarStlFixtures.text;
import static io.metaloop.datasets.formats.CifarStlFixtures.without;
import static io.metaloop.datasets.formats.CifarStlFixtures.zip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.datasets.DatasetFormatException;
import io.metaloop.datasets.DatasetLayout;
import io.metaloop.datasets.InMemoryDataset;
import io.metaloop.datasets.LabelLevel;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.datasets.SplitData;
import io.metaloop.datasets.formats.CifarStlFixtures.SweepResult;
import io.metaloop.datasets.formats.CifarStlFixtures.TestFile;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10ReaderTest {
    static final String ROOT = "cifar-10-batches-bin/";
    static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
            "ship", "truck");
    static final int PER_BATCH = 3;
    static final int RECORD = 3073;

    @TempDir
    Path dir;

    private final Cifar10Reader reader = new Cifar10Reader();

    /** Pixel (channel c, row y, column x) of image g: every plane, row and column distinguishable. */
    static int pixel(int g, int c, int y, int x) {
        return (g * 37 + c * 101 + y * 7 + x * 3) & 0xFF;
    }

    /** Image g's 3,072 pixel bytes in CIFAR order: red plane, green plane, blue plane, each row-major. */
    static byte[] pixels(int g) {
        byte[] p = new byte[3 * 32 * 32];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    p[c * 1024 + y * 32 + x] = (byte) pixel(g, c, y, x);
                }
            }
        }
        return p;
    }

    /** Image g's label: train images 0…14 (batch b holds 3(b-1)…3b-1), test images 15…17. */
    static int label(int g) {
        return (g * 7 + 3) % 10;
    }

    /** A batch file of the images {@code first} … {@code first + count - 1}, in the published record layout. */
    static byte[] batch(int first, int count) {
        ByteBuffer buf = ByteBuffer.allocate(count * RECORD);
        for (int g = first; g < first + count; g++) {
            buf.put((byte) label(g)).put(pixels(g));
        }
        return buf.array();
    }

    /** The files of the release, in the (unsorted) order the published tarball has them. */
    static List<TestFile> release() {
        return List.of(
                file(ROOT + "data_batch_1.bin", batch(0, PER_BATCH)),
                text(ROOT + "batches.meta.txt", lines(CLASSES) + "\n"),
                file(ROOT + "data_batch_3.bin", batch(2 * PER_BATCH, PER_BATCH)),
                file(ROOT + "data_batch_4.bin", batch(3 * PER_BATCH, PER_BATCH)),
                file(ROOT + "test_batch.bin", batch(5 * PER_BATCH, PER_BATCH)),
                text(ROOT + "readme.html", "<html>see the CIFAR page</html>\n"),
                file(ROOT + "data_batch_2.bin", batch(PER_BATCH, PER_BATCH)),
                file(ROOT + "data_batch_5.bin", batch(4 * PER_BATCH, PER_BATCH)));
    }

    static void assertRelease(InMemoryDataset d) {
        assertEquals(new DatasetLayout(3, 32, 32, List.of(new LabelLevel("class", CLASSES))), d.layout());
        assertEquals(List.of("train", "test"), List.copyOf(d.splits().keySet()));
        assertSplit(d.splits().get("train"), 0, 5 * PER_BATCH);
        assertSplit(d.splits().get("test"), 5 * PER_BATCH, PER_BATCH);
    }

    private static void assertSplit(SplitData s, int first, int count) {
        assertEquals(count, s.count());
        assertEquals(1, s.labelLevels());
        byte[] px = new byte[count * 3072];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(pixels(first + i), 0, px, i * 3072, 3072);
            labels[i] = label(first + i);
        }
        assertArrayEquals(labels, s.labels());
        assertArrayEquals(px, s.pixels());
    }

    // ---------------------------------------------------------------- valid data

    @Test
    void formatName() {
        assertEquals("cifar10", reader.format());
    }

    @Test
    void testDataHasThePublishedRecordLayout() {
        byte[] b = batch(0, PER_BATCH);
        assertEquals(3 * 3073, b.length);
        assertEquals(label(1), b[3073]);                                    // record 1's label byte
        assertEquals((byte) pixel(1, 0, 0, 0), b[3073 + 1]);               // then red (0,0)
        assertEquals((byte) pixel(1, 1, 0, 0), b[3073 + 1 + 1024]);        // green plane after 1,024 red bytes
        assertEquals((byte) pixel(1, 2, 31, 31), b[2 * 3073 - 1]);         // blue (31,31) ends the record
        assertEquals((byte) pixel(1, 0, 1, 2), b[3073 + 1 + 32 + 2]);      // rows of 32
    }

    @Test
    void readsTheTarGzInBatchOrderWhateverTheArchiveOrder() throws Exception {
        InMemoryDataset d = read(reader, tarGz(dir.resolve("cifar-10-binary.tar.gz"), release()));
        assertRelease(d);
        // spot checks: train image 4 is record 1 of data_batch_2 (stored 7th in the archive)
        SplitData train = d.splits().get("train");
        assertEquals(label(4), train.labels()[4]);
        assertEquals((byte) pixel(4, 2, 5, 6), train.pixels()[4 * 3072 + 2 * 1024 + 5 * 32 + 6]);
    }

    @Test
    void readsAPlainTarAZipAndTheExtractedDirectoryAlike() throws Exception {
        InMemoryDataset gz = read(reader, tarGz(dir.resolve("c.tar.gz"), release()));
        InMemoryDataset plain = read(reader, tar(dir.resolve("c.tar"), release()));
        InMemoryDataset zipped = read(reader, zip(dir.resolve("c.zip"), release()));
        InMemoryDataset extracted = read(reader, directory(dir.resolve("extracted"), release()));
        assertRelease(plain);
        assertRelease(extracted);
        assertSameDataset(gz, plain);
        assertSameDataset(gz, zipped);
        assertSameDataset(gz, extracted);
        // the directory the tarball unpacks to can also be given itself
        assertSameDataset(gz, read(reader, dir.resolve("extracted").resolve("cifar-10-batches-bin")));
    }

    @Test
    void aZipWhosePixelsFailTheirCrcIsRejectedNotRead() throws Exception {
        // stored entries: a flipped pixel byte is still a valid record, only the entry's CRC-32 tells
        Path zip = dir.resolve("stored.zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            for (TestFile f : release()) {
                java.util.zip.ZipEntry entry = new java.util.zip.ZipEntry(f.name());
                entry.setMethod(java.util.zip.ZipEntry.STORED);
                entry.setSize(f.bytes().length);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(f.bytes());
                entry.setCrc(crc.getValue());
                out.putNextEntry(entry);
                out.write(f.bytes());
                out.closeEntry();
            }
        }
        assertRelease(read(reader, zip));
        byte[] bytes = Files.readAllBytes(zip);
        byte[] firstBatch = release().get(0).bytes();
        int at = java.util.Collections.indexOfSubList(toList(bytes), toList(java.util.Arrays.copyOf(firstBatch, 64)));
        assertTrue(at > 0, "the first batch's bytes are in the zip as they are");
        bytes[at + 100] ^= 0x10; // a pixel of the first image
        Files.write(zip, bytes);
        DatasetFormatException e = reject(reader, zip);
        assertTrue(e.file().endsWith("!" + ROOT + "data_batch_1.bin"), e.file());
        assertTrue(e.getMessage().contains("corrupt zip entry"), e.getMessage());
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> list = new java.util.ArrayList<>(bytes.length);
        for (byte b : bytes) {
            list.add(b);
        }
        return list;
    }

    @Test
    void findsTheFilesByBaseNameUnderAnyFolder() throws Exception {
        List<TestFile> moved = new ArrayList<>();
        for (TestFile f : release()) {
            moved.add(file("downloads/cifar/" + f.name().substring(ROOT.length()), f.bytes()));
        }
        assertRelease(read(reader, tarGz(dir.resolve("moved.tar.gz"), moved)));
    }

    @Test
    void metaFileWithCrLfAndNoTrailingBlankLineIsRead() throws Exception {
        List<TestFile> files = replace(release(), ROOT + "batches.meta.txt",
                (String.join("\r\n", CLASSES)).getBytes(StandardCharsets.UTF_8));
        assertRelease(read(reader, tarGz(dir.resolve("crlf.tar.gz"), files)));
    }

    @Test
    void aHierarchyFileFromTheOptionsAddsLevelsThroughTheFormatRegistry() throws Exception {
        Path csv = dir.resolve("hierarchy.csv");
        StringBuilder sb = new StringBuilder("class,kind\n");
        for (String c : CLASSES) {
            boolean vehicle = List.of("airplane", "automobile", "ship", "truck").contains(c);
            sb.append(c).append(',').append(vehicle ? "vehicle" : "animal").append('\n');
        }
        Files.writeString(csv, sb);
        InMemoryDataset d = new InMemoryDataset();
        io.metaloop.datasets.DatasetFormats.read("cifar10", tarGz(dir.resolve("h.tar.gz"), release()),
                ReadOptions.DEFAULTS.withHierarchyFile(csv), d);
        assertEquals(List.of(new LabelLevel("class", CLASSES), new LabelLevel("kind", List.of("vehicle", "animal"))),
                d.layout().levels());
        SplitData train = d.splits().get("train");
        assertEquals(2, train.labelLevels());
        for (int i = 0; i < train.count(); i++) {
            int cls = train.labels()[2 * i];
            assertEquals(label(i), cls);
            assertEquals(List.of(0, 1, 8, 9).contains(cls) ? 0 : 1, train.labels()[2 * i + 1], "image " + i);
        }
    }

    // ---------------------------------------------------------------- errors

    @Test
    void sizeNotAMultipleOfTheRecordIsRejectedAtTheIncompleteRecord() {
        byte[] longer = java.util.Arrays.copyOf(batch(PER_BATCH, PER_BATCH), PER_BATCH * RECORD + 5);
        Path archive = tarGz(dir.resolve("odd.tar.gz"), replace(release(), ROOT + "data_batch_2.bin", longer));
        assertError(reject(reader, archive), "odd.tar.gz!" + ROOT + "data_batch_2.bin", 3L * RECORD, "not a multiple of the 3073-byte record");
        Path extracted = directory(dir.resolve("odd"), replace(release(), ROOT + "data_batch_2.bin", longer));
        assertError(reject(reader, extracted), "odd/" + ROOT + "data_batch_2.bin", 3L * RECORD, "not a multiple");
    }

    @Test
    void truncatedRecordIsRejectedAtItsOffset() {
        // an entry whose stream ends inside its third record
        byte[] b = batch(0, PER_BATCH);
        byte[] cut = java.util.Arrays.copyOf(b, 2 * RECORD + 100);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> Cifar10Reader.PublishedFiles.records("x.tar!data_batch_1.bin", b.length,
                        new ByteArrayInputStream(cut), RECORD, (offset, record) -> { }));
        assertError(e, "x.tar!data_batch_1.bin", 2L * RECORD, "truncated record: 100 of 3073 bytes");
    }

    @Test
    void archiveCutInsideABatchIsRejectedNamingTheEntry() throws Exception {
        // a plain tar (no gzip checksum to help) cut inside data_batch_3.bin, the third file it holds
        Path full = tar(dir.resolve("full.tar"), release());
        byte[] bytes = Files.readAllBytes(full);
        int start = indexOf(bytes, batch(2 * PER_BATCH, PER_BATCH));
        Path cut = dir.resolve("cut.tar");
        Files.write(cut, java.util.Arrays.copyOf(bytes, start + RECORD + 17));
        DatasetFormatException e = reject(reader, cut);
        assertTrue(e.file().endsWith("cut.tar!" + ROOT + "data_batch_3.bin"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("truncated"), e.getMessage());
    }

    @Test
    void labelOutsideTheTenClassesIsRejectedAtItsByte() {
        byte[] b = batch(3 * PER_BATCH, PER_BATCH);
        b[2 * RECORD] = 10;
        Path archive = tarGz(dir.resolve("label.tar.gz"), replace(release(), ROOT + "data_batch_4.bin", b));
        assertError(reject(reader, archive), "label.tar.gz!" + ROOT + "data_batch_4.bin", 2L * RECORD, "label 10");
        b[2 * RECORD] = (byte) 255;
        Path extracted = directory(dir.resolve("label"), replace(release(), ROOT + "data_batch_4.bin", b));
        assertError(reject(reader, extracted), ROOT + "data_batch_4.bin", 2L * RECORD, "label 255");
    }

    @Test
    void everyMissingFileIsNamed() {
        for (String base : List.of("data_batch_1.bin", "data_batch_3.bin", "data_batch_5.bin", "test_batch.bin",
                "batches.meta.txt")) {
            Path archive = tarGz(dir.resolve("missing-" + base + ".tar.gz"), without(release(), ROOT + base));
            DatasetFormatException e = reject(reader, archive);
            assertEquals(archive.toString(), e.file());
            assertError(e, ".tar.gz", 0, "no " + base);
        }
    }

    @Test
    void metaFileMustHoldTenDistinctNames() {
        String nine = lines(CLASSES.subList(0, 9));
        assertError(reject(reader, tarGz(dir.resolve("nine.tar.gz"), replace(release(), ROOT + "batches.meta.txt",
                nine.getBytes(StandardCharsets.UTF_8)))), ROOT + "batches.meta.txt", nine.length(), "holds 9 class names, expected 10");
        String eleven = lines(CLASSES) + "lorry\n";
        assertError(reject(reader, tarGz(dir.resolve("eleven.tar.gz"), replace(release(), ROOT + "batches.meta.txt",
                eleven.getBytes(StandardCharsets.UTF_8)))), ROOT + "batches.meta.txt", lines(CLASSES).length(), "lorry");
        List<String> twice = new ArrayList<>(CLASSES);
        twice.set(9, "cat");
        assertError(reject(reader, tarGz(dir.resolve("twice.tar.gz"), replace(release(), ROOT + "batches.meta.txt",
                lines(twice).getBytes(StandardCharsets.UTF_8)))), ROOT + "batches.meta.txt",
                lines(CLASSES.subList(0, 9)).length(), "'cat' appears twice");
        assertError(reject(reader, tarGz(dir.resolve("empty-meta.tar.gz"), replace(release(), ROOT + "batches.meta.txt",
                new byte[0]))), ROOT + "batches.meta.txt", 0, "holds 0 class names");
    }

    @Test
    void emptyBatchAndDuplicateBatchAreRejected() {
        assertError(reject(reader, tarGz(dir.resolve("empty.tar.gz"), replace(release(), ROOT + "test_batch.bin",
                new byte[0]))), ROOT + "test_batch.bin", 0, "is empty");
        List<TestFile> twice = new ArrayList<>(release());
        twice.add(file("copy/data_batch_2.bin", batch(0, 1)));
        assertError(reject(reader, tarGz(dir.resolve("dup.tar.gz"), twice)), "dup.tar.gz!copy/data_batch_2.bin", 0,
                "a second data_batch_2.bin");
    }

    @Test
    void somethingThatIsNoArchiveIsRejected() throws Exception {
        Path txt = Files.writeString(dir.resolve("cifar.txt"), "hello");
        assertError(reject(reader, txt), "cifar.txt", 0, "not a directory");
        assertError(reject(reader, dir.resolve("absent.tar.gz")), "absent.tar.gz", 0, "no such file");
        Path notGzip = Files.write(dir.resolve("fake.tar.gz"), batch(0, 1));
        assertTrue(reject(reader, notGzip).getMessage().contains("gzip"));
    }

    // ---------------------------------------------------------------- damage sweep

    @Test
    void everyTruncationOfTheTarGzIsRejectedAndEveryByteFlipRejectedOrHarmless() throws Exception {
        Path valid = tarGz(dir.resolve("cifar-10-binary.tar.gz"), release());
        Path work = Files.createDirectory(dir.resolve("damaged"));
        SweepResult r = CifarStlFixtures.sweep(reader, valid, work, 48, 48);
        assertTrue(r.truncations() >= 40, r.toString());
        assertEquals(r.truncations(), r.truncationsRejected(), r.toString());
        assertTrue(r.flips() >= 40, r.toString());
        assertTrue(r.onlyUncheckedGzipHeaderFlipsRead(), "only flips of the gzip header's time stamp, XFL or OS may go unseen: " + r);
    }

    @Test
    void damagedPlainTarIsRejectedUnlessOnlyPixelsOrLabelsWithinRangeChanged() throws Exception {
        // a .tar has no checksum over the data: a flip inside a file may read (with other pixels); a flip in a
        // header or the end-of-archive blocks must be rejected; the zero padding after them is never looked at
        List<TestFile> files = release();
        Path valid = tar(dir.resolve("cifar-10-binary.tar"), files);
        byte[] bytes = Files.readAllBytes(valid);
        List<int[]> data = new ArrayList<>();
        java.util.TreeSet<Integer> positions = new java.util.TreeSet<>();
        for (TestFile f : files) {
            int at = indexOf(bytes, f.bytes());
            data.add(new int[] {at, at + f.bytes().length});
            for (int field : new int[] {0, 100, 124, 135, 148, 156, 257, 345, 505}) {
                positions.add(at - 512 + field);           // name, mode, size, mtime, checksum, type, magic, prefix, padding
            }
        }
        int lastData = data.stream().mapToInt(r -> r[1]).max().orElseThrow();
        int endBlocks = (lastData + 511) / 512 * 512 + 1024;  // two zero blocks end the archive
        for (int i = 0; i < 48; i++) {
            positions.add((int) ((long) i * (bytes.length - 1) / 47));
        }
        InMemoryDataset expected = read(reader, valid);
        Path damaged = dir.resolve("damaged.tar");
        int rejected = 0;
        for (int p : positions) {
            byte[] copy = bytes.clone();
            copy[p] ^= (byte) 0xFF;
            Files.write(damaged, copy);
            boolean inData = data.stream().anyMatch(r -> p >= r[0] && p < r[1]);
            // the zeros that fill a file's last 512-byte block, and those after the end-of-archive blocks
            boolean padding = p >= endBlocks || data.stream().anyMatch(r -> p >= r[1] && p < (r[1] + 511) / 512 * 512);
            InMemoryDataset sink = new InMemoryDataset();
            try {
                reader.read(damaged, ReadOptions.DEFAULTS, sink);
                assertTrue(inData || padding, "byte " + p + " (a header or end-of-archive block) inverted, yet read");
                if (padding) {
                    assertSameDataset(expected, sink);
                }
            } catch (DatasetFormatException e) {
                assertTrue(!padding, "byte " + p + " of padding inverted: " + e.getMessage());
                rejected++;
            }
        }
        assertTrue(positions.size() >= 40 && rejected >= 9 * files.size(), positions.size() + " flips, " + rejected + " rejected");
        int cuts = 0;
        for (int i = 0; i < 48; i++) {
            int length = (int) ((long) i * lastData / 48);
            Files.write(damaged, java.util.Arrays.copyOf(bytes, length));
            reject(reader, damaged);
            cuts++;
        }
        assertEquals(48, cuts);
    }

    @Test
    void gzipTrailerIsChecked() throws Exception {
        // GNU tar pads the archive to 10,240-byte records, and the tar reader stops there, before the gzip
        // trailer: its CRC-32 and length must still be checked (Archive reads the gzip stream to its end)
        byte[] bytes = Files.readAllBytes(tarGz(dir.resolve("ok.tar.gz"), release()));
        for (int back = 1; back <= 8; back++) {
            byte[] flipped = bytes.clone();
            flipped[bytes.length - back] ^= 1;
            Path damaged = Files.write(dir.resolve("trailer" + back + ".tar.gz"), flipped);
            DatasetFormatException e = reject(reader, damaged);
            assertEquals(damaged.toString(), e.file(), e.getMessage());
            assertTrue(e.getMessage().contains("gzip"), e.getMessage());
        }
        Path noTrailer = Files.write(dir.resolve("no-trailer.tar.gz"), java.util.Arrays.copyOf(bytes, bytes.length - 8));
        assertTrue(reject(reader, noTrailer).getMessage().contains("truncated"));
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
