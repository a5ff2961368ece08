package io.metaloop.datasets.formats;

import static io.metaloop.datasets.formats.CifarStlFixtures.assertError;
import static io.metaloop.datasets.formats.CifarStlFixtures.assertSameDataset;
import static io.metaloop.datasets.formats.CifarStlFixtures.directory;
import static io.metaloop.datasets.formats.CifarStlFixtures.file;
import static io.metaloop.datasets.formats.CifarStlFixtures.lines;
import static io.metaloop.datasets.formats.CifarStlFixtures.read;
import static io.metaloop.datasets.formats.CifarStlFixtures.reject;
import static io.metaloop.datasets.formats.CifarStlFixtures.replace;
import static io.metaloop.datasets.formats.CifarStlFixtures.tarGz;
import static io.metaloop.datasets.formats.CifarStlFixtures.text;
import static io.metaloop.datasets.formats.CifarStlFixtures.without;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.datasets.InMemoryDataset;
import io.metaloop.datasets.LabelLevel;
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

class Cifar100ReaderTest {
    static final String ROOT = "cifar-100-binary/";
    static final int RECORD = 3074;
    /** Fine labels of the test images: train, then test; they cover all three top-level classes. */
    static final int[] TRAIN_FINE = {3, 0, 89, 54, 99, 41};
    static final int[] TEST_FINE = {2, 71, 58};

    @TempDir
    Path dir;

    private final Cifar100Reader reader = new Cifar100Reader();

    /** fine → {fine, coarse, ten, three}, read off the digest's table (independently of the reader's maps). */
    static final int[][] TABLE = new int[100][];

    static {
        for (String row : Cifar100HierarchyTest.SEEDS_TABLE) {
            String[] cols = row.split("\\|");
            int three = Integer.parseInt(cols[0].strip());
            int ten = Integer.parseInt(cols[1].strip());
            int coarse = Integer.parseInt(cols[2].strip().split(":")[0]);
            for (String f : cols[3].strip().split(", ")) {
                int fine = Integer.parseInt(f.split(":")[0]);
                TABLE[fine] = new int[] {fine, coarse, ten, three};
            }
        }
    }

    static byte[] records(int[] fines, int firstImage) {
        ByteBuffer buf = ByteBuffer.allocate(fines.length * RECORD);
        for (int i = 0; i < fines.length; i++) {
            buf.put((byte) TABLE[fines[i]][1]).put((byte) fines[i]).put(Cifar10ReaderTest.pixels(firstImage + i));
        }
        return buf.array();
    }

    static List<TestFile> release() {
        return List.of(
                text(ROOT + "coarse_label_names.txt", lines(Cifar100Hierarchy.COARSE_NAMES)),
                file(ROOT + "test.bin", records(TEST_FINE, TRAIN_FINE.length)),
                text(ROOT + "fine_label_names.txt", lines(Cifar100Hierarchy.FINE_NAMES)),
                file(ROOT + "train.bin", records(TRAIN_FINE, 0)));
    }

    private static void assertRelease(InMemoryDataset d, List<String> fineNames) {
        assertEquals(3, d.layout().channels());
        assertEquals(32, d.layout().height());
        assertEquals(32, d.layout().width());
        assertEquals(List.of(new LabelLevel("fine", fineNames),
                new LabelLevel("coarse", Cifar100Hierarchy.COARSE_NAMES),
                new LabelLevel("ten", Cifar100Hierarchy.TEN_NAMES),
                new LabelLevel("three", Cifar100Hierarchy.THREE_NAMES)), d.layout().levels());
        assertEquals(List.of("train", "test"), List.copyOf(d.splits().keySet()));
        assertSplit(d.splits().get("train"), TRAIN_FINE, 0);
        assertSplit(d.splits().get("test"), TEST_FINE, TRAIN_FINE.length);
    }

    private static void assertSplit(SplitData s, int[] fines, int firstImage) {
        assertEquals(fines.length, s.count());
        assertEquals(4, s.labelLevels());
        for (int i = 0; i < fines.length; i++) {
            assertArrayEquals(TABLE[fines[i]], java.util.Arrays.copyOfRange(s.labels(), 4 * i, 4 * i + 4), "image " + i);
            assertArrayEquals(Cifar10ReaderTest.pixels(firstImage + i),
                    java.util.Arrays.copyOfRange(s.pixels(), i * 3072, (i + 1) * 3072), "image " + i);
        }
    }

    @Test
    void formatName() {
        assertEquals("cifar100", reader.format());
    }

    @Test
    void readsTheTarGzWithFourLabelLevels() throws Exception {
        InMemoryDataset d = read(reader, tarGz(dir.resolve("cifar-100-binary.tar.gz"), release()));
        assertRelease(d, Cifar100Hierarchy.FINE_NAMES);
        // bear: large_carnivores → large_animals → animals; apple: fruit_and_vegetables → plants → plants;
        // tractor: vehicles_2 → vehicles → objects_and_scenes
        int[] l = d.splits().get("train").labels();
        assertArrayEquals(new int[] {3, 8, 0, 0, 0, 4, 5, 1, 89, 19, 9, 2}, java.util.Arrays.copyOf(l, 12));
    }

    @Test
    void readsTheExtractedDirectoryAlike() throws Exception {
        InMemoryDataset gz = read(reader, tarGz(dir.resolve("c.tar.gz"), release()));
        InMemoryDataset extracted = read(reader, directory(dir.resolve("x"), release()));
        assertRelease(extracted, Cifar100Hierarchy.FINE_NAMES);
        assertSameDataset(gz, extracted);
    }

    @Test
    void classNamesComeFromTheFiles() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            names.add("f" + i);
        }
        List<TestFile> files = replace(release(), ROOT + "fine_label_names.txt",
                lines(names).getBytes(StandardCharsets.UTF_8));
        assertRelease(read(reader, tarGz(dir.resolve("names.tar.gz"), files)), names);
    }

    @Test
    void coarseLabelThatDoesNotMatchTheFineLabelIsRejectedAtTheRecord() {
        byte[] b = records(TRAIN_FINE, 0);
        b[4 * RECORD] = 7; // record 4 is a worm (non-insect invertebrates, 13), not an insect
        assertError(reject(reader, tarGz(dir.resolve("mismatch.tar.gz"), replace(release(), ROOT + "train.bin", b))),
                "mismatch.tar.gz!" + ROOT + "train.bin", 4L * RECORD, "coarse label 7 (insects) but fine label 99 (worm)"
                        + " belongs to superclass 13");
    }

    @Test
    void labelsOutOfRangeAreRejectedAtTheirByte() {
        byte[] fine = records(TEST_FINE, 0);
        fine[2 * RECORD + 1] = 100;
        assertError(reject(reader, tarGz(dir.resolve("fine.tar.gz"), replace(release(), ROOT + "test.bin", fine))),
                ROOT + "test.bin", 2L * RECORD + 1, "fine label 100");
        byte[] coarse = records(TEST_FINE, 0);
        coarse[RECORD] = 20;
        assertError(reject(reader, directory(dir.resolve("coarse"), replace(release(), ROOT + "test.bin", coarse))),
                ROOT + "test.bin", RECORD, "coarse label 20");
    }

    @Test
    void sizeNotAMultipleOfTheRecordIsRejected() {
        byte[] b = java.util.Arrays.copyOf(records(TRAIN_FINE, 0), 6 * RECORD - 1);
        assertError(reject(reader, tarGz(dir.resolve("odd.tar.gz"), replace(release(), ROOT + "train.bin", b))),
                ROOT + "train.bin", 5L * RECORD, "not a multiple of the 3074-byte record");
    }

    @Test
    void missingFilesAndWrongNameCountsAreRejected() {
        for (String base : List.of("train.bin", "test.bin", "fine_label_names.txt", "coarse_label_names.txt")) {
            Path archive = tarGz(dir.resolve("no-" + base + ".tar.gz"), without(release(), ROOT + base));
            assertError(reject(reader, archive), "no-" + base + ".tar.gz", 0, "no " + base);
        }
        String fine99 = lines(Cifar100Hierarchy.FINE_NAMES.subList(0, 99));
        assertError(reject(reader, tarGz(dir.resolve("f99.tar.gz"), replace(release(), ROOT + "fine_label_names.txt",
                fine99.getBytes(StandardCharsets.UTF_8)))), ROOT + "fine_label_names.txt", fine99.length(),
                "holds 99 class names, expected 100");
        List<String> coarse21 = new ArrayList<>(Cifar100Hierarchy.COARSE_NAMES);
        coarse21.add("vehicles_3");
        assertError(reject(reader, tarGz(dir.resolve("c21.tar.gz"), replace(release(), ROOT + "coarse_label_names.txt",
                lines(coarse21).getBytes(StandardCharsets.UTF_8)))), ROOT + "coarse_label_names.txt",
                lines(Cifar100Hierarchy.COARSE_NAMES).length(), "vehicles_3");
    }

    @Test
    void everyTruncationOfTheTarGzIsRejectedAndEveryByteFlipRejectedOrHarmless() throws Exception {
        Path valid = tarGz(dir.resolve("cifar-100-binary.tar.gz"), release());
        SweepResult r = CifarStlFixtures.sweep(reader, valid, Files.createDirectory(dir.resolve("damaged")), 48, 48);
        assertTrue(r.truncations() >= 40, r.toString());
        assertEquals(r.truncations(), r.truncationsRejected(), r.toString());
        assertTrue(r.flips() >= 40, r.toString());
        assertTrue(r.onlyUncheckedGzipHeaderFlipsRead(), "only flips of the gzip header's time stamp, XFL or OS may go unseen: " + r);
    }
}
