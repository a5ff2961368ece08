package io.metaloop.datasets.formats;

import static io.metaloop.datasets.formats.CifarStlFixtures.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.datasets.Archive;
import io.metaloop.datasets.DatasetFormatException;
import io.metaloop.datasets.ReadOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives that inflate past the configured bound are refused with the entry named, in every
 * container kind (zip, tar.gz) and through a reader; one exactly at the bound is read in full.
 */
class DecompressionBombTest {
    @TempDir
    Path dir;

    /** 4 MiB of zeros: deflate packs them into a few KiB, a ratio of about 1000:1. */
    private static final byte[] ZEROS = new byte[4 << 20];

    @Test
    void aZipThatInflatesPastTheBoundIsRefusedNamingTheEntry() {
        Path zip = CifarStlFixtures.zip(dir.resolve("bomb.zip"), List.of(file("classA/zeros.png", ZEROS)));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> Archive.open(zip, 1 << 20).forEach((name, size, in) -> in.transferTo(java.io.OutputStream.nullOutputStream())));
        assertTrue(e.getMessage().contains("bomb.zip!classA/zeros.png"), e.getMessage());
        assertTrue(e.getMessage().contains("more than 1048576 bytes"), e.getMessage());
    }

    @Test
    void aTarGzThatInflatesPastTheBoundIsRefused() {
        Path tgz = CifarStlFixtures.tarGz(dir.resolve("bomb.tar.gz"), List.of(file("a/zeros.bin", ZEROS)));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> Archive.open(tgz, 1 << 20).forEach((name, size, in) -> in.transferTo(java.io.OutputStream.nullOutputStream())));
        assertTrue(e.getMessage().contains("decompression bomb"), e.getMessage());
    }

    @Test
    void anArchiveExactlyAtTheBoundIsReadInFull() throws Exception {
        Path zip = CifarStlFixtures.zip(dir.resolve("ok.zip"), List.of(file("a/zeros.bin", ZEROS)));
        long[] read = {0};
        Archive.open(zip, ZEROS.length).forEach((name, size, in) -> read[0] += in.transferTo(java.io.OutputStream.nullOutputStream()));
        assertEquals(ZEROS.length, read[0]);
    }

    @Test
    void aReaderRefusesAZipBombBeforeDecodingIt() {
        Path zip = CifarStlFixtures.zip(dir.resolve("folder.zip"), List.of(file("train/classA/zeros.png", ZEROS)));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> CifarStlFixtures.read(
                new ImageFolderReader(), zip, ReadOptions.DEFAULTS.withMaxInflatedBytes(1 << 20)));
        assertTrue(e.getMessage().contains("decompression bomb"), e.getMessage());
    }
}
