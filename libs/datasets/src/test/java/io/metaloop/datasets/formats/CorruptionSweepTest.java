package io.metaloop.datasets.formats;

import static io.metaloop.datasets.formats.FormatFixtures.assertSameDataset;
import static io.metaloop.datasets.formats.FormatFixtures.read;
import static io.metaloop.datasets.formats.FormatFixtures.writeZip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.metaloop.datasets.DatasetFormatException;
import io.metaloop.datasets.InMemoryDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For one small valid zip of each format: truncated at 40 lengths and with a byte flipped at 60
 * positions, every read either throws {@link DatasetFormatException} (never another exception, never
 * an error) or reads exactly the dataset of the undamaged zip. Every truncation must be rejected.
 */
class CorruptionSweepTest {
    static Stream<String> formats() {
        return FormatFixtures.fixtures().keySet().stream();
    }

    /** 0, 1, evenly spread lengths, and the last 12 (the end-of-central-directory record). */
    private static TreeSet<Integer> truncations(int length) {
        TreeSet<Integer> out = new TreeSet<>();
        out.add(0);
        out.add(1);
        for (int k = 1; k <= 26; k++) {
            out.add((int) ((long) length * k / 27));
        }
        for (int k = 1; k <= 12; k++) {
            out.add(length - k);
        }
        return out;
    }

    /** Evenly spread positions plus random ones (fixed seed), covering headers, data and the central directory. */
    private static TreeSet<Integer> flips(int length, long seed) {
        TreeSet<Integer> out = new TreeSet<>();
        for (int k = 0; k < 30; k++) {
            out.add((int) ((long) length * k / 30));
        }
        Random random = new Random(seed);
        while (out.size() < 60) {
            out.add(random.nextInt(length));
        }
        out.add(length - 1);
        return out;
    }

    /** @return true when the read was rejected */
    private static boolean attempt(FormatFixtures.Fixture f, Path file, byte[] bytes, InMemoryDataset expected,
                                   String what) throws Exception {
        Files.write(file, bytes);
        InMemoryDataset got;
        try {
            got = read(f.reader(), file, f.options());
        } catch (DatasetFormatException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), what);
            return true;
        } catch (Throwable t) {
            fail(f.format() + ", " + what + ": " + t.getClass().getName() + " instead of a DatasetFormatException", t);
            return false;
        }
        assertSameDataset(expected, got, f.format() + ", " + what + " was accepted but reads differently");
        return false;
    }

    @ParameterizedTest
    @MethodSource("formats")
    void truncatedAndFlippedZipsAreRejectedOrReadUnchanged(String format, @TempDir Path dir) throws Exception {
        FormatFixtures.Fixture f = FormatFixtures.fixtures().get(format);
        Path valid = dir.resolve("valid.zip");
        writeZip(valid, f.files());
        InMemoryDataset expected = read(f.reader(), valid, f.options());
        byte[] zip = Files.readAllBytes(valid);
        Path damaged = dir.resolve("damaged.zip");

        TreeSet<Integer> lengths = truncations(zip.length);
        assertTrue(lengths.size() >= 30, "truncations " + lengths.size());
        for (int n : lengths) {
            assertTrue(attempt(f, damaged, Arrays.copyOf(zip, n), expected, "truncated to " + n + " of " + zip.length),
                    format + ": truncation to " + n + " of " + zip.length + " bytes was accepted");
        }

        TreeSet<Integer> positions = flips(zip.length, format.hashCode());
        assertTrue(positions.size() >= 30, "flips " + positions.size());
        int rejected = 0;
        for (int p : positions) {
            byte[] bad = zip.clone();
            bad[p] ^= (byte) (p % 2 == 0 ? 0xFF : 0x10);
            rejected += attempt(f, damaged, bad, expected, "byte " + p + " of " + zip.length + " flipped") ? 1 : 0;
        }
        // most positions lie in names, sizes, CRCs and compressed data, which are all checked
        assertTrue(rejected > positions.size() / 2, format + ": only " + rejected + " of " + positions.size()
                + " flips rejected");
        assertEquals(zip.length, Files.size(valid));
    }
}
