package io.metaloop.datasets.formats;

import static io.metaloop.datasets.formats.FormatFixtures.utf8;
import static io.metaloop.datasets.formats.FormatFixtures.writeZip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.datasets.DatasetFormatException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zip integrity check and the text helpers the readers share. */
class SourceFilesTest {

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Path zipOf(Path dir, Map<String, byte[]> files) {
        Path zip = dir.resolve("x.zip");
        writeZip(zip, files);
        return zip;
    }

    @Test
    void aValidZipPassesAndListsFoldersToo(@TempDir Path dir) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("top/a.txt", utf8("alpha"));
        files.put("top/sub/b.txt", utf8("beta"));
        List<String> names = SourceFiles.checkZip(zipOf(dir, files));
        assertEquals(List.of("top/", "top/a.txt", "top/sub/", "top/sub/b.txt"), names);
    }

    @Test
    void aNameChangedOnlyInTheCentralDirectoryIsCaught(@TempDir Path dir) throws Exception {
        Path zip = zipOf(dir, Map.of("dog/a.txt", utf8("some text, long enough to be deflated: aaaaaaaaaaaaaaaaaaaa")));
        byte[] bytes = Files.readAllBytes(zip);
        byte[] name = "dog/a.txt".getBytes(StandardCharsets.US_ASCII);
        int local = indexOf(bytes, name, 0);
        int central = indexOf(bytes, name, local + 1);
        assertTrue(local > 0 && central > local);
        bytes[central] = 'c'; // "cog/a.txt" in the central directory only: ZipFile alone would report that name
        Files.write(zip, bytes);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> SourceFiles.checkZip(zip));
        assertTrue(e.getMessage().contains("disagree") && e.getMessage().contains("cog/a.txt"), e.getMessage());
    }

    @Test
    void dataThatStillInflatesButFailsItsCrcIsCaught(@TempDir Path dir) throws Exception {
        // stored (not deflated) data: any flip inflates fine, only the CRC can tell
        Path zip = dir.resolve("stored.zip");
        byte[] content = utf8("0123456789abcdef");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            java.util.zip.ZipEntry entry = new java.util.zip.ZipEntry("d.txt");
            entry.setMethod(java.util.zip.ZipEntry.STORED);
            entry.setSize(content.length);
            CRC32 crc = new CRC32();
            crc.update(content);
            entry.setCrc(crc.getValue());
            out.putNextEntry(entry);
            out.write(content);
            out.closeEntry();
        }
        byte[] bytes = Files.readAllBytes(zip);
        int at = indexOf(bytes, content, 0);
        bytes[at + 3] ^= 1;
        Files.write(zip, bytes);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> SourceFiles.checkZip(zip));
        assertTrue(e.file().endsWith("!d.txt"), e.file());
    }

    /**
     * A zip written by hand with a STORED entry followed by a data descriptor (general-purpose flag bit 3),
     * which is valid but which {@code ZipInputStream} refuses: the check falls back to comparing CRCs
     * with the central directory.
     */
    private static byte[] storedWithDataDescriptor(byte[] content, boolean corrupt) {
        byte[] name = "s.txt".getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(content);
        int crcValue = (int) crc.getValue();
        ByteBuffer b = ByteBuffer.allocate(200 + content.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x04034b50).putShort((short) 10).putShort((short) 0x0008).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putInt(0).putInt(0).putInt(0).putShort((short) name.length).putShort((short) 0)
                .put(name);
        byte[] data = content.clone();
        if (corrupt) {
            data[0] ^= 1;
        }
        b.put(data);
        b.putInt(0x08074b50).putInt(crcValue).putInt(content.length).putInt(content.length);
        int cenOffset = b.position();
        b.putInt(0x02014b50).putShort((short) 20).putShort((short) 10).putShort((short) 0x0008).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).putInt(crcValue).putInt(content.length).putInt(content.length)
                .putShort((short) name.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putInt(0).putInt(0).put(name);
        int cenSize = b.position() - cenOffset;
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1)
                .putInt(cenSize).putInt(cenOffset).putShort((short) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b.array(), 0, b.position());
        return out.toByteArray();
    }

    @Test
    void storedEntriesWithADataDescriptorAreCheckedAgainstTheCentralDirectory(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("descriptor.zip");
        byte[] content = utf8("stored with a data descriptor");
        Files.write(zip, storedWithDataDescriptor(content, false));
        assertEquals(List.of("s.txt"), SourceFiles.checkZip(zip));
        assertEquals(List.of("s.txt"), io.metaloop.datasets.Archive.open(zip).list());
        Files.write(zip, storedWithDataDescriptor(content, true));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> SourceFiles.checkZip(zip));
        assertTrue(e.file().endsWith("!s.txt") && e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void linesCarryNumbersAndByteOffsets() {
        byte[] text = utf8("\uFEFFfirst\r\nzwölf\n\nlast");
        List<SourceFiles.Line> lines = SourceFiles.lines(text, "t.txt");
        assertEquals(4, lines.size());
        assertEquals(new SourceFiles.Line(1, 3, "first"), lines.get(0));
        assertEquals(new SourceFiles.Line(2, 10, "zwölf"), lines.get(1));
        assertEquals(new SourceFiles.Line(3, 17, ""), lines.get(2));
        assertEquals(new SourceFiles.Line(4, 18, "last"), lines.get(3));
        assertEquals(1, SourceFiles.lines(utf8("one\n"), "t.txt").size());
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> SourceFiles.lines(new byte[] {'o', 'k', '\n', (byte) 0xC3, '(', '\n'}, "bad.txt"));
        assertEquals("bad.txt", e.file());
        assertEquals(3, e.byteOffset());
    }

    @Test
    void imagesAndJunk() {
        assertTrue(SourceFiles.isImage("a/b/c.PNG"));
        assertTrue(SourceFiles.isImage("x.jpeg"));
        assertTrue(SourceFiles.isImage("train/n01/images/n01_0.JPEG"));
        assertFalse(SourceFiles.isImage("a/b/c.txt"));
        assertFalse(SourceFiles.isImage("__MACOSX/a/._c.png"));
        assertFalse(SourceFiles.isImage("a/.hidden.png"));
        assertFalse(SourceFiles.isImage("a.png/"));
        assertFalse(SourceFiles.isImage("a.d/noext"));
    }
}
