package io.metaloop.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.FieldError;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.frame.FrameCodec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class TaskUploadTest {
    private static final TaskUpload.Limits LIMITS = TaskUpload.Limits.DEFAULTS;

    /** A solid-colour image of the given type (RGB given as 0xRRGGBB; grey types take the blue byte). */
    static byte[] image(String format, int type, int width, int height, int rgb) {
        BufferedImage img = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (type == BufferedImage.TYPE_BYTE_GRAY) {
                    img.getRaster().setSample(x, y, 0, rgb & 0xFF);
                } else {
                    img.setRGB(x, y, 0xFF000000 | rgb);
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] rgbPng(int width, int height, int rgb) {
        return image("png", BufferedImage.TYPE_INT_RGB, width, height, rgb);
    }

    static byte[] greyPng(int width, int height, int grey) {
        return image("png", BufferedImage.TYPE_BYTE_GRAY, width, height, grey);
    }

    /** Entries in the given order, with a fixed time; a name ending in '/' is a folder. */
    static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setTimeLocal(java.time.LocalDateTime.of(2024, 1, 1, 0, 0)); // the same bytes on every run
                zip.putNextEntry(entry);
                if (e.getValue() != null) {
                    zip.write(e.getValue());
                }
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A valid unlabelled two-class task to which each test adds its own trouble. */
    static Map<String, byte[]> basic() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("support/cat/a.png", rgbPng(8, 8, 0xC86432));
        m.put("support/dog/b.png", greyPng(8, 8, 77));
        m.put("query/q.png", greyPng(8, 8, 10));
        return m;
    }

    private static List<FieldError> refused(Map<String, byte[]> entries) {
        return refused(zip(entries), LIMITS);
    }

    private static List<FieldError> refused(byte[] zip, TaskUpload.Limits limits) {
        return assertThrows(InvalidMessageException.class, () -> TaskUpload.parse(zip, 3, 28, 28, limits)).errors();
    }

    private static FieldError only(List<FieldError> errors) {
        assertEquals(1, errors.size(), () -> "expected one problem, got " + errors);
        return errors.get(0);
    }

    @Test
    void labelledTaskInAWrappingFolderIsConvertedToTheModelsShape() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("my task/", null);
        m.put("my task/support/", null);
        m.put("my task/support/cat/", null);
        m.put("my task/support/cat/b.png", rgbPng(40, 30, 0xC86432));                        // colour, not square
        m.put("my task/support/cat/a.jpg", image("jpg", BufferedImage.TYPE_INT_RGB, 17, 23, 0x808080));
        m.put("my task/support/dog/c.png", greyPng(5, 9, 77));                               // grey, tiny
        m.put("my task/support/dog/.DS_Store", new byte[] {0, 0, 0, 1, 'B', 'u', 'd', '1'});
        m.put("__MACOSX/my task/support/cat/._b.png", new byte[] {0, 5, 22, 7});
        m.put("my task/query/dog/q2.png", image("png", BufferedImage.TYPE_INT_ARGB, 64, 64, 0x0A0A0A));
        m.put("my task/query/cat/q1.png", rgbPng(28, 28, 0x00FF00));

        TaskUpload.Task task = TaskUpload.parse(zip(m), 3, 28, 28, LIMITS);

        assertEquals(List.of("cat", "dog"), task.classes());
        assertArrayEquals(new int[] {2, 1}, task.supportCounts());
        assertEquals(List.of("a.jpg", "b.png", "c.png"), task.support().stream().map(TaskUpload.Image::name).toList());
        assertEquals(List.of("cat/q1.png", "dog/q2.png"), task.queryNames());
        assertEquals(List.of(0, 1), task.queries().stream().map(TaskUpload.Image::label).toList());
        assertTrue(task.labelled());
        int plane = 28 * 28;
        for (TaskUpload.Image image : task.support()) {
            assertEquals(3 * plane, image.pixels().length);
        }
        // b.png: a solid colour stays exactly that colour through the resize
        byte[] b = task.support().get(1).pixels();
        assertEquals(0xC8, b[0] & 0xFF);
        assertEquals(0x64, b[plane + 5 * 28 + 7] & 0xFF);
        assertEquals(0x32, b[2 * plane + plane - 1] & 0xFF);
        // c.png: grey 77 becomes RGB (77, 77, 77)
        byte[] c = task.support().get(2).pixels();
        for (int i = 0; i < c.length; i++) {
            assertEquals(77, c[i] & 0xFF, "byte " + i);
        }
        // q1: pure green
        byte[] q1 = task.queries().get(0).pixels();
        assertEquals(0, q1[0]);
        assertEquals(255, q1[plane] & 0xFF);
        assertEquals(0, q1[2 * plane]);
    }

    @Test
    void unlabelledQueriesAndColourToGreyByLuma() {
        Map<String, byte[]> m = basic();
        m.put("query/p.png", rgbPng(3, 50, 0xC86432));
        TaskUpload.Task task = TaskUpload.parse(zip(m), 1, 10, 12, LIMITS);

        assertFalse(task.labelled());
        assertEquals(List.of("p.png", "q.png"), task.queryNames());
        assertEquals(List.of(-1, -1), task.queries().stream().map(TaskUpload.Image::label).toList());
        // ITU-R BT.601: round(0.299·200 + 0.587·100 + 0.114·50) = 124.7 → 124 (integer form (299R+587G+114B+500)/1000)
        byte[] cat = task.support().get(0).pixels();
        assertEquals(120, cat.length);
        for (byte v : cat) {
            assertEquals(124, v & 0xFF);
        }
        byte[] p = task.queries().get(0).pixels();
        assertEquals(124, p[0] & 0xFF);
        assertEquals(124, p[119] & 0xFF);
        assertEquals(10, task.queries().get(1).pixels()[0] & 0xFF);
    }

    @Test
    void theFrameHoldsSupportThenQueriesWithClassAndRoleLabels() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("support/b/1.png", greyPng(4, 4, 20));
        m.put("support/a/2.png", greyPng(4, 4, 10));
        m.put("support/b/0.png", greyPng(4, 4, 21));
        m.put("query/b/z.png", greyPng(4, 4, 30));
        m.put("query/a/y.png", greyPng(4, 4, 31));
        TaskUpload.Task task = TaskUpload.parse(zip(m), 1, 2, 2, LIMITS);

        BatchFrame frame = FrameCodec.decodeBatch(FrameCodec.encode(task.frame()));
        assertEquals(5, frame.count());
        assertEquals(2, frame.labelLevels());
        assertEquals(1, frame.channels());
        assertArrayEquals(new int[] {0, 0, 1, 0, 1, 0, 0, 1, 1, 1}, frame.labels());
        byte[] firstPixels = Arrays.copyOfRange(frame.pixels(), 0, 4);
        assertArrayEquals(new byte[] {10, 10, 10, 10}, firstPixels);                      // a/2.png
        assertEquals(21, frame.pixels()[4]);                                               // b/0.png before b/1.png
        assertEquals(20, frame.pixels()[8]);
        assertEquals(31, frame.pixels()[12]);                                              // a/y.png before b/z.png
        assertEquals(30, frame.pixels()[16]);
    }

    @Test
    void pathTricksAreRefusedNamingTheEntry() {
        Map<String, byte[]> m = basic();
        m.put("../x.png", greyPng(4, 4, 1));
        m.put("/abs.png", greyPng(4, 4, 1));
        m.put("support\\cat\\w.png", greyPng(4, 4, 1));
        m.put("support/cat/../../evil.png", greyPng(4, 4, 1));
        m.put("C:/windows.png", greyPng(4, 4, 1));
        m.put("support/cat/nul\u0000.png", greyPng(4, 4, 1));
        m.put("notes/readme.png", greyPng(4, 4, 1));
        List<FieldError> errors = refused(m);
        Map<String, String> byField = new LinkedHashMap<>();
        errors.forEach(e -> byField.put(e.field(), e.message()));
        assertTrue(byField.get("../x.png").contains("'..'"), byField.toString());
        assertTrue(byField.get("/abs.png").contains("absolute"), byField.toString());
        assertTrue(byField.get("support\\cat\\w.png").contains("backslash"), byField.toString());
        assertTrue(byField.get("support/cat/../../evil.png").contains("'..'"), byField.toString());
        assertTrue(byField.get("C:/windows.png").contains("absolute"), byField.toString());
        assertTrue(byField.get("support/cat/nul?.png").contains("NUL"), byField.toString());
        assertTrue(byField.get("notes/readme.png").contains("outside support/ and query/"), byField.toString());
        assertEquals(7, errors.size(), errors.toString());
    }

    @Test
    void anEntryThatIsNotAnImageIsNamedWithTheReason() {
        Map<String, byte[]> m = basic();
        m.put("support/cat/notes.txt", "just some words".getBytes());
        FieldError e = only(refused(m));
        assertEquals("support/cat/notes.txt", e.field());
        assertEquals("is not a readable image: not a PNG, JPEG, BMP or GIF image", e.message());
    }

    @Test
    void aDamagedPngIsNamedWithTheByteWhereDecodingFailed() {
        byte[] png = greyPng(8, 8, 50);
        png[png.length - 20] ^= 0x5A; // inside the IDAT chunk: its CRC fails
        Map<String, byte[]> m = basic();
        m.put("query/broken.png", png);
        FieldError e = only(refused(m));
        assertEquals("query/broken.png", e.field());
        assertTrue(e.message().startsWith("is not a readable image: PNG chunk 'IDAT' fails its CRC check"), e.message());
        assertTrue(e.message().matches(".*\\(decoding failed at byte \\d+\\)"), e.message());
    }

    @Test
    void aClassWithoutImagesIsRefused() {
        Map<String, byte[]> m = basic();
        m.put("support/fox/", null);
        m.put("support/fox/.DS_Store", new byte[] {1});
        FieldError e = only(refused(m));
        assertEquals("support/fox/", e.field());
        assertEquals("class 'fox' has no images; every support class needs at least one", e.message());
    }

    @Test
    void noQueriesAndTooFewClassesAreRefused() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("support/cat/a.png", greyPng(4, 4, 1));
        m.put("query/", null);
        List<FieldError> errors = refused(m);
        assertEquals(List.of("support/", "query/"), errors.stream().map(FieldError::field).toList());
        assertEquals("only one class ('cat'); a task needs at least two", errors.get(0).message());
        assertTrue(errors.get(1).message().startsWith("no query images"), errors.get(1).message());
    }

    @Test
    void labelledQueriesMustBeOfSupportClassesAndNotMixedWithUnlabelledOnes() {
        Map<String, byte[]> m = basic();
        m.put("query/cow/m.png", greyPng(4, 4, 1));
        List<FieldError> errors = refused(m);
        assertEquals(2, errors.size(), errors.toString());
        assertEquals("query/q.png", errors.get(0).field());
        assertTrue(errors.get(0).message().contains("query/cow/m.png is labelled"), errors.get(0).message());
        assertEquals("query/cow/m.png", errors.get(1).field());
        assertEquals("class 'cow' is not a support class; support has [cat, dog]", errors.get(1).message());
    }

    @Test
    void imagesAtTheWrongDepthAreRefused() {
        Map<String, byte[]> m = basic();
        m.put("support/loose.png", greyPng(4, 4, 1));
        m.put("support/cat/deeper/x.png", greyPng(4, 4, 1));
        List<FieldError> errors = refused(m);
        assertEquals(List.of("support/loose.png", "support/cat/deeper/x.png"), errors.stream().map(FieldError::field).toList());
        assertTrue(errors.get(0).message().contains("support/<class>/<image>"));
        assertTrue(errors.get(1).message().contains("nested too deep"));
    }

    @Test
    void tooManyImagesAreRefusedNamingTheOneTooMany() {
        Map<String, byte[]> m = basic();
        m.put("query/r.png", greyPng(4, 4, 1));
        FieldError e = only(refused(zip(m), new TaskUpload.Limits(1 << 20, 1 << 20, 3, 1 << 20, 1 << 20)));
        assertEquals("upload", e.field());
        assertEquals("the task has more than 3 images (the limit); query/r.png is one too many", e.message());
    }

    @Test
    void aZipBombIsStoppedWhileInflatingNamingTheEntry() {
        Map<String, byte[]> m = basic();
        m.put("support/cat/bomb.png", new byte[8 << 20]); // 8 MiB of zeros deflate to about 8 KiB
        byte[] zip = zip(m);
        assertTrue(zip.length < 64 << 10, "the bomb should be small compressed, is " + zip.length);
        FieldError e = only(refused(zip, new TaskUpload.Limits(1 << 20, 1 << 20, 100, 1 << 20, 1 << 30)));
        assertEquals("support/cat/bomb.png", e.field());
        assertEquals("the archive inflates to more than 1048576 bytes (the limit) by this entry; counted while inflating",
                e.message());
    }

    @Test
    void aZipBombInAnIgnoredEntryIsCountedToo() {
        Map<String, byte[]> m = basic();
        m.put("__MACOSX/support/cat/._a.png", new byte[8 << 20]);
        FieldError e = only(refused(zip(m), new TaskUpload.Limits(1 << 20, 1 << 20, 100, 1 << 20, 1 << 30)));
        assertEquals("__MACOSX/support/cat/._a.png", e.field());
        assertTrue(e.message().startsWith("the archive inflates to more than 1048576 bytes"), e.message());
    }

    @Test
    void anUploadAboveTheLimitIsRefusedBeforeReading() {
        byte[] zip = zip(basic());
        FieldError e = only(refused(zip, new TaskUpload.Limits(100, 1 << 20, 100, 1 << 20, 1 << 20)));
        assertEquals("upload", e.field());
        assertEquals("the upload has " + zip.length + " bytes, more than the limit of 100", e.message());
    }

    @Test
    void anImageWithTooManyPixelsIsRefused() {
        Map<String, byte[]> m = basic();
        m.put("query/huge.png", greyPng(300, 200, 1));
        FieldError e = only(refused(zip(m), new TaskUpload.Limits(1 << 20, 1 << 20, 100, 50_000, 1 << 20)));
        assertEquals("query/huge.png", e.field());
        assertEquals("is 300×200 pixels, more than the limit of 50000 pixels per image", e.message());
    }

    @Test
    void bytesThatAreNotAZipAreRefused() {
        FieldError e = only(refused("this is not a zip".getBytes(), LIMITS));
        assertEquals("upload", e.field());
        assertEquals("not a zip archive, or an empty one: no entries found", e.message());
        FieldError empty = only(assertThrows(InvalidMessageException.class,
                () -> TaskUpload.parse(new byte[0], 1, 28, 28, LIMITS)).errors());
        assertTrue(empty.message().startsWith("the upload is empty"), empty.message());
    }

    @Test
    void aDamagedEntryIsNamed() {
        byte[] zip = zip(basic());
        // flip a byte of the first entry's deflated data (its local header is 30 bytes + name)
        int data = 30 + "support/cat/a.png".length() + 10;
        zip[data] ^= (byte) 0xFF;
        List<FieldError> errors = refused(zip, LIMITS);
        assertEquals("support/cat/a.png", errors.get(0).field(), errors.toString());
    }
}
