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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.datasets.DatasetLayout;
import io.metaloop.datasets.DatasetReader;
import io.metaloop.datasets.ImageSink;
import io.metaloop.datasets.InMemoryDataset;
import io.metaloop.datasets.LabelLevel;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.datasets.SplitData;
import io.metaloop.datasets.formats.CifarStlFixtures.SweepResult;
import io.metaloop.datasets.formats.CifarStlFixtures.TestFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Stl10ReaderTest {
    static final String ROOT = "stl10_binary/";
    static final int IMAGE = 27_648;
    static final List<String> CLASSES = List.of("airplane", "bird", "car", "cat", "deer", "dog", "horse", "monkey",
            "ship", "truck");
    /** Label bytes as published (1…10) of the train and test images; 4 unlabeled images follow. */
    static final byte[] TRAIN_Y = {1, 10, 5};
    static final byte[] TEST_Y = {8, 3};
    static final int UNLABELED = 4;

    @TempDir
    Path dir;

    private final DatasetReader reader = new Stl10Reader();

    /** Pixel (c, row y, column x) of image g; f(y, x) ≠ f(x, y) off the diagonal, so a transposition shows. */
    static int pixel(int g, int c, int y, int x) {
        return (g * 29 + c * 85 + y * 5 + x * 11) & 0xFF;
    }

    /** Images {@code first} … as an X file: channel-major, each plane column by column. */
    static byte[] xFile(int first, int count) {
        ByteBuffer buf = ByteBuffer.allocate(count * IMAGE);
        for (int g = first; g < first + count; g++) {
            for (int c = 0; c < 3; c++) {
                for (int x = 0; x < 96; x++) {
                    for (int y = 0; y < 96; y++) {
                        buf.put((byte) pixel(g, c, y, x));
                    }
                }
            }
        }
        return buf.array();
    }

    /** Image g as ImageSink wants it: channel-major, each plane row by row. */
    static byte[] rowMajor(int g) {
        byte[] p = new byte[IMAGE];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 96; y++) {
                for (int x = 0; x < 96; x++) {
                    p[c * 9216 + y * 96 + x] = (byte) pixel(g, c, y, x);
                }
            }
        }
        return p;
    }

    /** The files, in the order the published tarball holds them (labels before the unlabeled images, names last). */
    static List<TestFile> release() {
        return List.of(
                file(ROOT + "test_X.bin", xFile(3, 2)),
                file(ROOT + "test_y.bin", TEST_Y),
                file(ROOT + "train_X.bin", xFile(0, 3)),
                file(ROOT + "train_y.bin", TRAIN_Y),
                file(ROOT + "unlabeled_X.bin", xFile(5, UNLABELED)),
                text(ROOT + "class_names.txt", lines(CLASSES)),
                text(ROOT + "fold_indices.txt", "0 1 2\n"));
    }

    private static void assertRelease(InMemoryDataset d) {
        assertEquals(new DatasetLayout(3, 96, 96, List.of(new LabelLevel("class", CLASSES))), d.layout());
        assertEquals(List.of("train", "test", "unlabeled"), List.copyOf(d.splits().keySet()));
        assertSplit(d.splits().get("train"), 0, new int[] {0, 9, 4});
        assertSplit(d.splits().get("test"), 3, new int[] {7, 2});
        assertSplit(d.splits().get("unlabeled"), 5, new int[] {-1, -1, -1, -1});
    }

    private static void assertSplit(SplitData s, int first, int[] labels) {
        assertEquals(labels.length, s.count());
        assertArrayEquals(labels, s.labels());
        for (int i = 0; i < labels.length; i++) {
            assertArrayEquals(rowMajor(first + i), java.util.Arrays.copyOfRange(s.pixels(), i * IMAGE, (i + 1) * IMAGE),
                    "image " + i);
        }
    }

    @Test
    void formatName() {
        assertEquals("stl10", reader.format());
    }

    @Test
    void testDataIsColumnMajor() {
        byte[] x = xFile(0, 1);
        assertEquals(IMAGE, x.length);
        assertEquals((byte) pixel(0, 0, 1, 0), x[1]);            // second byte: row 1 of column 0
        assertEquals((byte) pixel(0, 0, 0, 1), x[96]);           // next column after 96 rows
        assertEquals((byte) pixel(0, 1, 0, 0), x[9216]);         // green plane after 96·96 red bytes
        assertTrue(pixel(0, 0, 1, 0) != pixel(0, 0, 0, 1));
    }

    @Test
    void transposesEveryPlane() {
        byte[] out = Stl10Reader.rowMajor(xFile(7, 1));
        assertArrayEquals(rowMajor(7), out);
        assertEquals((byte) pixel(7, 2, 10, 80), out[2 * 9216 + 10 * 96 + 80]);
    }

    @Test
    void readsTheTarGzInSplitOrderTransposedWithLabelsFrom0() throws Exception {
        InMemoryDataset d = read(reader, tarGz(dir.resolve("stl10_binary.tar.gz"), release()));
        assertRelease(d);
        // the first image's row 0, column 1 is byte 96 of train_X.bin
        assertEquals(xFile(0, 1)[96], d.splits().get("train").pixels()[1]);
    }

    @Test
    void readsAPlainTarAndTheExtractedDirectoryAlike() throws Exception {
        InMemoryDataset gz = read(reader, tarGz(dir.resolve("s.tar.gz"), release()));
        InMemoryDataset plain = read(reader, tar(dir.resolve("s.tar"), release()));
        InMemoryDataset extracted = read(reader, directory(dir.resolve("x"), release()));
        assertRelease(extracted);
        assertSameDataset(gz, plain);
        assertSameDataset(gz, extracted);
    }

    @Test
    void streamsImagesOneAtATimeInSplitOrder() throws Exception {
        List<String> calls = new ArrayList<>();
        reader.read(tarGz(dir.resolve("s.tar.gz"), release()), ReadOptions.DEFAULTS, new ImageSink() {
            @Override
            public void layout(DatasetLayout layout) {
                calls.add("layout");
            }

            @Override
            public void image(String split, byte[] pixels, int[] labels) {
                assertEquals(IMAGE, pixels.length);
                calls.add(split);
            }
        });
        assertEquals(List.of("layout", "train", "train", "train", "test", "test", "unlabeled", "unlabeled", "unlabeled",
                "unlabeled"), calls);
    }

    @Test
    void imageFileSizeMustBeAWholeNumberOfImages() {
        byte[] x = java.util.Arrays.copyOf(xFile(0, 3), 3 * IMAGE + 100);
        assertError(reject(reader, tarGz(dir.resolve("odd.tar.gz"), replace(release(), ROOT + "train_X.bin", x))),
                "odd.tar.gz!" + ROOT + "train_X.bin", 3L * IMAGE, "not a multiple of the 27648-byte");
        byte[] u = java.util.Arrays.copyOf(xFile(5, 2), IMAGE + 5);
        assertError(reject(reader, directory(dir.resolve("odd"), replace(release(), ROOT + "unlabeled_X.bin", u))),
                "odd/" + ROOT + "unlabeled_X.bin", IMAGE, "1 whole images, then 5 bytes");
        assertError(reject(reader, tarGz(dir.resolve("empty.tar.gz"), replace(release(), ROOT + "test_X.bin",
                new byte[0]))), ROOT + "test_X.bin", 0, "is empty");
    }

    @Test
    void labelCountMustMatchTheImageCount() {
        assertError(reject(reader, tarGz(dir.resolve("few.tar.gz"), replace(release(), ROOT + "train_y.bin",
                new byte[] {1, 2}))), "few.tar.gz!" + ROOT + "train_y.bin", 2, "holds 2 labels but train_X.bin holds 3 images");
        assertError(reject(reader, tarGz(dir.resolve("many.tar.gz"), replace(release(), ROOT + "test_y.bin",
                new byte[] {1, 2, 3}))), ROOT + "test_y.bin", 2, "holds 3 labels but test_X.bin holds 2 images");
    }

    @Test
    void labelsMustBe1To10() {
        assertError(reject(reader, tarGz(dir.resolve("zero.tar.gz"), replace(release(), ROOT + "train_y.bin",
                new byte[] {1, 0, 5}))), ROOT + "train_y.bin", 1, "label 0 is not an STL-10 class (1–10)");
        assertError(reject(reader, directory(dir.resolve("eleven"), replace(release(), ROOT + "test_y.bin",
                new byte[] {8, 11}))), ROOT + "test_y.bin", 1, "label 11");
    }

    @Test
    void missingFilesAndBadClassNamesAreRejected() {
        for (String base : List.of("train_X.bin", "train_y.bin", "test_X.bin", "test_y.bin", "unlabeled_X.bin",
                "class_names.txt")) {
            Path archive = tarGz(dir.resolve("no-" + base + ".tar.gz"), without(release(), ROOT + base));
            assertError(reject(reader, archive), "no-" + base + ".tar.gz", 0, "no " + base);
        }
        String nine = lines(CLASSES.subList(1, 10));
        assertError(reject(reader, tarGz(dir.resolve("nine.tar.gz"), replace(release(), ROOT + "class_names.txt",
                nine.getBytes(StandardCharsets.UTF_8)))), ROOT + "class_names.txt", nine.length(), "holds 9 class names");
    }

    @Test
    void everyTruncationOfTheTarGzIsRejectedAndEveryByteFlipRejectedOrHarmless() throws Exception {
        Path valid = tarGz(dir.resolve("stl10_binary.tar.gz"), release());
        SweepResult r = CifarStlFixtures.sweep(reader, valid, Files.createDirectory(dir.resolve("damaged")), 48, 48);
        assertTrue(r.truncations() >= 40, r.toString());
        assertEquals(r.truncations(), r.truncationsRejected(), r.toString());
        assertTrue(r.flips() >= 40, r.toString());
        assertTrue(r.onlyUncheckedGzipHeaderFlipsRead(), "only flips of the gzip header's time stamp, XFL or OS may go unseen: " + r);
    }
}
