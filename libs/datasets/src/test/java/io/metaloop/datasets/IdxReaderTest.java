package io.metaloop.datasets;

import static io.metaloop.datasets.IdxTestFiles.COLS;
import static io.metaloop.datasets.IdxTestFiles.IMAGES;
import static io.metaloop.datasets.IdxTestFiles.LABELS;
import static io.metaloop.datasets.IdxTestFiles.ROWS;
import static io.metaloop.datasets.IdxTestFiles.expectedPixels;
import static io.metaloop.datasets.IdxTestFiles.gzip;
import static io.metaloop.datasets.IdxTestFiles.imageFile;
import static io.metaloop.datasets.IdxTestFiles.labelFile;
import static io.metaloop.datasets.IdxTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    private static final String IMG = "imgs-idx3-ubyte";
    private static final String LBL = "lbls-idx1-ubyte";

    @TempDir
    Path dir;

    private static void assertExpectedSplit(SplitData d) {
        assertEquals(IMAGES, d.count());
        assertEquals(1, d.channels());
        assertEquals(ROWS, d.height());
        assertEquals(COLS, d.width());
        assertEquals(1, d.labelLevels());
        assertArrayEquals(expectedPixels(), d.pixels());
        assertArrayEquals(new int[] {3, 0, 9, 7, 255}, d.labels());
    }

    /** Reads images written as {@code imageBytes} with the valid label file; must be rejected. */
    private DatasetFormatException rejectImages(byte[] imageBytes) {
        Path images = write(dir, IMG, imageBytes);
        Path labels = write(dir, LBL, labelFile());
        return assertThrows(DatasetFormatException.class, () -> IdxReader.readImagesAndLabels(images, labels));
    }

    private DatasetFormatException rejectLabels(byte[] labelBytes) {
        Path images = write(dir, IMG, imageFile());
        Path labels = write(dir, LBL, labelBytes);
        return assertThrows(DatasetFormatException.class, () -> IdxReader.readImagesAndLabels(images, labels));
    }

    private static void assertNames(DatasetFormatException e, String file, long offset) {
        assertEquals(file, e.file(), e.getMessage());
        assertEquals(offset, e.byteOffset(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + " at byte " + offset + ": "), e.getMessage());
    }

    // ---------------------------------------------------------------- valid files

    @Test
    void testFilesHaveTheSizesTheFormatPrescribes() {
        // guards the test data itself: 16-byte header + 5·3·4 pixels, 8-byte header + 5 labels
        assertEquals(76, imageFile().length);
        assertEquals(13, labelFile().length);
        assertEquals(0x00, imageFile()[0]);
        assertEquals(0x08, imageFile()[2]);
        assertEquals(0x03, imageFile()[3]);
        assertEquals(IMAGES, ByteBuffer.wrap(imageFile()).getInt(4));
        assertEquals((byte) 255, labelFile()[12]);
    }

    @Test
    void readsPlainFilesExactly() throws Exception {
        Path images = write(dir, IMG, imageFile());
        Path labels = write(dir, LBL, labelFile());
        SplitData d = IdxReader.readImagesAndLabels(images, labels);
        assertExpectedSplit(d);
        // spot checks against the pixel formula: image 2, row 1, column 3 = (106+17+87+100) & 0xFF = 54
        assertEquals(54, d.pixels()[2 * 12 + 1 * 4 + 3] & 0xFF);
        // image 0, row 2, column 3: (0 + 34 + 87 + 100) = 221, above 127
        assertEquals(221, d.pixels()[2 * 4 + 3] & 0xFF);
    }

    @Test
    void readsGzippedFilesExactly() throws Exception {
        Path images = write(dir, IMG + ".gz", gzip(imageFile()));
        Path labels = write(dir, LBL + ".gz", gzip(labelFile()));
        assertExpectedSplit(IdxReader.readImagesAndLabels(images, labels));
    }

    @Test
    void readsMixedPlainAndGzippedFiles() throws Exception {
        Path images = write(dir, IMG + ".gz", gzip(imageFile()));
        Path labels = write(dir, LBL, labelFile());
        assertExpectedSplit(IdxReader.readImagesAndLabels(images, labels));
        Path images2 = write(dir, "plain-" + IMG, imageFile());
        Path labels2 = write(dir, "gz-" + LBL + ".gz", gzip(labelFile()));
        assertExpectedSplit(IdxReader.readImagesAndLabels(images2, labels2));
    }

    @Test
    void detectsGzipByContentNotByFileName() throws Exception {
        Path images = write(dir, "no-extension-images", gzip(imageFile()));
        Path labels = write(dir, "misnamed-labels.gz", labelFile()); // plain despite the name
        assertExpectedSplit(IdxReader.readImagesAndLabels(images, labels));
    }

    @Test
    void readsAnEmptySplit() throws Exception {
        Path images = write(dir, IMG, imageFile(0x00000803, 0, 28, 28, new byte[0]));
        Path labels = write(dir, LBL, labelFile(0x00000801, 0, new int[0]));
        SplitData d = IdxReader.readImagesAndLabels(images, labels);
        assertEquals(0, d.count());
        assertEquals(28, d.height());
        assertEquals(28, d.width());
        assertEquals(0, d.pixels().length);
        assertEquals(0, d.labels().length);
    }

    @Test
    void readsNonSquareImagesInRowMajorOrder() throws Exception {
        // 2 images of 2 rows × 3 columns; pixel bytes are 10..21 in file order
        byte[] px = new byte[12];
        for (int k = 0; k < px.length; k++) {
            px[k] = (byte) (10 + k);
        }
        Path images = write(dir, IMG, imageFile(0x00000803, 2, 2, 3, px));
        Path labels = write(dir, LBL, labelFile(0x00000801, 2, new int[] {1, 2}));
        SplitData d = IdxReader.readImagesAndLabels(images, labels);
        assertEquals(2, d.height());
        assertEquals(3, d.width());
        assertEquals(6, d.imageBytes());
        // image 1, row 1, column 0 is file byte 16 + 6 + 3
        assertEquals(19, d.pixels()[6 + 3]);
        assertArrayEquals(new int[] {1, 2}, d.labels());
    }

    // ---------------------------------------------------------------- header errors

    @Test
    void rejectsBadMagicAtOffsetZero() {
        // type 0x09 (signed byte) instead of 0x08
        DatasetFormatException e = rejectImages(imageFile(0x00000903, IMAGES, ROWS, COLS, expectedPixels()));
        assertNames(e, IMG, 0);
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
        // non-zero leading bytes
        assertNames(rejectImages(imageFile(0x01000803, IMAGES, ROWS, COLS, expectedPixels())), IMG, 0);
        // a label file with a bad magic
        assertNames(rejectLabels(labelFile(0x00000D01, LABELS.length, LABELS)), LBL, 0);
        // a file that is not idx at all
        assertNames(rejectImages("hello, this is not an idx file at all....".getBytes()), IMG, 0);
    }

    @Test
    void rejectsWrongNumberOfDimensions() {
        // an image file claiming 2 dimensions
        DatasetFormatException e = rejectImages(imageFile(0x00000802, IMAGES, ROWS, COLS, expectedPixels()));
        assertNames(e, IMG, 3);
        assertTrue(e.getMessage().contains("2 dimensions"), e.getMessage());
        // labels and images swapped: a label file that is 3-dimensional
        DatasetFormatException swapped = rejectLabels(imageFile());
        assertNames(swapped, LBL, 3);
        assertTrue(swapped.getMessage().contains("3 dimensions"), swapped.getMessage());
    }

    @Test
    void rejectsImplausibleSizes() {
        assertNames(rejectImages(imageFile(0x00000803, -1, ROWS, COLS, expectedPixels())), IMG, 4);
        assertNames(rejectImages(imageFile(0x00000803, IMAGES, 0, COLS, new byte[0])), IMG, 8);
        assertNames(rejectImages(imageFile(0x00000803, IMAGES, ROWS, 5000, expectedPixels())), IMG, 12);
        assertNames(rejectLabels(labelFile(0x00000801, -5, LABELS)), LBL, 4);
    }

    @Test
    void rejectsImageAndLabelCountMismatch() {
        // 4 labels for 5 images: the label file's count at byte 4 is wrong
        DatasetFormatException e = rejectLabels(labelFile(0x00000801, 4, new int[] {3, 0, 9, 7}));
        assertNames(e, LBL, 4);
        assertTrue(e.getMessage().contains("4 labels") && e.getMessage().contains("5 images")
                && e.getMessage().contains(IMG), e.getMessage());
        assertNames(rejectLabels(labelFile(0x00000801, 6, new int[] {3, 0, 9, 7, 1, 2})), LBL, 4);
    }

    // ---------------------------------------------------------------- length errors

    @Test
    void rejectsTruncatedImageData() {
        // header promises 5·3·4 = 60 pixels, the file has 59
        byte[] full = imageFile();
        DatasetFormatException e = rejectImages(Arrays.copyOf(full, full.length - 1));
        assertNames(e, IMG, 75);
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("76"), e.getMessage());
        // header promises 6 images (and 6 labels), file holds 5
        DatasetFormatException more = assertThrows(DatasetFormatException.class, () -> IdxReader.readImagesAndLabels(
                write(dir, "six-" + IMG, imageFile(0x00000803, 6, ROWS, COLS, expectedPixels())),
                write(dir, "six-" + LBL, labelFile(0x00000801, 6, new int[] {1, 2, 3, 4, 5, 6}))));
        assertNames(more, "six-" + IMG, 76);
    }

    @Test
    void rejectsTruncatedLabelData() {
        byte[] full = labelFile();
        assertNames(rejectLabels(Arrays.copyOf(full, full.length - 2)), LBL, 11);
    }

    @Test
    void rejectsExtraTrailingBytes() {
        byte[] full = imageFile();
        byte[] longer = Arrays.copyOf(full, full.length + 3);
        DatasetFormatException e = rejectImages(longer);
        // the first unexpected byte is right after the 16 + 60 bytes the header describes
        assertNames(e, IMG, 76);
        assertTrue(e.getMessage().contains("3 unexpected bytes"), e.getMessage());
        byte[] labels = Arrays.copyOf(labelFile(), 14);
        assertNames(rejectLabels(labels), LBL, 13);
    }

    @Test
    void rejectsExtraTrailingBytesInsideAGzipStream() {
        byte[] longer = Arrays.copyOf(imageFile(), 77);
        assertNames(rejectImages(gzip(longer)), IMG, 76);
    }

    // ---------------------------------------------------------------- gzip errors

    @Test
    void rejectsTruncatedGzipStream() {
        byte[] gz = gzip(imageFile());
        for (int cut : new int[] {gz.length - 1, gz.length - 8, gz.length / 2, 12}) {
            byte[] truncated = Arrays.copyOf(gz, cut);
            DatasetFormatException e = rejectImages(truncated);
            assertNames(e, IMG, cut);
            assertTrue(e.getMessage().contains("gzip stream truncated"), e.getMessage());
        }
    }

    @Test
    void rejectsCorruptGzipTrailer() {
        // gzip (RFC 1952) ends with CRC-32 and ISIZE of the uncompressed data, little-endian
        byte[] gz = gzip(imageFile());
        for (int at : new int[] {gz.length - 8, gz.length - 5, gz.length - 4, gz.length - 1}) {
            byte[] bad = gz.clone();
            bad[at] ^= 0x5A;
            DatasetFormatException e = rejectImages(bad);
            assertEquals(IMG, e.file());
            assertTrue(e.getMessage().contains("corrupt gzip stream"), e.getMessage());
            assertTrue(e.byteOffset() >= 0 && e.byteOffset() <= gz.length, e.getMessage());
        }
    }

    @Test
    void rejectsUnsupportedGzipCompressionMethod() {
        // byte 2 of a gzip member is CM, which must be 8 (deflate)
        byte[] gz = gzip(imageFile());
        assertEquals(8, gz[2]);
        gz[2] = 7;
        DatasetFormatException e = rejectImages(gz);
        assertEquals(IMG, e.file());
        assertTrue(e.getMessage().contains("corrupt gzip stream"), e.getMessage());
        // the problem is in the 10-byte member header, and the offset says so
        assertTrue(e.byteOffset() >= 0 && e.byteOffset() <= 10, e.getMessage());
    }

    @Test
    void rejectsGarbageDeflateData() {
        byte[] gz = gzip(imageFile());
        byte[] bad = gz.clone();
        for (int k = 10; k < bad.length - 8; k++) {
            bad[k] = (byte) 0xFF; // deflate block type 11 (reserved) is invalid
        }
        DatasetFormatException e = rejectImages(bad);
        assertEquals(IMG, e.file());
        assertTrue(e.byteOffset() >= 0 && e.byteOffset() <= gz.length, e.getMessage());
    }

    // ---------------------------------------------------------------- generated sweeps

    @Test
    void everyTruncationOfAnImageFileIsRejected() {
        byte[] full = imageFile();
        Path labels = write(dir, LBL, labelFile());
        for (int length = 0; length < full.length; length++) {
            Path images = write(dir, IMG, Arrays.copyOf(full, length));
            int n = length;
            // fails on success and on any other exception type
            DatasetFormatException e = assertThrows(DatasetFormatException.class,
                    () -> IdxReader.readImagesAndLabels(images, labels), () -> n + "-byte prefix of " + full.length);
            // every prefix ends early, and the reader reports the end of the file as the problem
            assertNames(e, IMG, length);
        }
    }

    @Test
    void everyTruncationOfALabelFileIsRejected() {
        byte[] full = labelFile();
        Path images = write(dir, IMG, imageFile());
        for (int length = 0; length < full.length; length++) {
            Path labels = write(dir, LBL, Arrays.copyOf(full, length));
            int n = length;
            DatasetFormatException e = assertThrows(DatasetFormatException.class,
                    () -> IdxReader.readImagesAndLabels(images, labels), () -> n + "-byte prefix of " + full.length);
            assertNames(e, LBL, length);
        }
    }

    @Test
    void everyTruncationOfAGzippedImageFileIsRejected() {
        byte[] gz = gzip(imageFile());
        Path labels = write(dir, LBL, labelFile());
        for (int length = 0; length < gz.length; length++) {
            Path images = write(dir, IMG, Arrays.copyOf(gz, length));
            int n = length;
            DatasetFormatException e = assertThrows(DatasetFormatException.class,
                    () -> IdxReader.readImagesAndLabels(images, labels), () -> n + "-byte prefix of gzip " + gz.length);
            assertEquals(IMG, e.file());
            // below 2 bytes there is no gzip magic and the file is read as a (too short) idx file;
            // otherwise the gzip stream ends at the cut
            assertEquals(length, e.byteOffset(), e.getMessage());
        }
    }

    @Test
    void noSingleByteCorruptionOfAGzippedFileGivesWrongDataOrAnotherException() throws Exception {
        byte[] gz = gzip(imageFile());
        Path labels = write(dir, LBL, labelFile());
        int rejected = 0;
        for (int at = 0; at < gz.length; at++) {
            byte[] bad = gz.clone();
            bad[at] ^= (byte) 0xFF;
            Path images = write(dir, IMG, bad);
            SplitData d;
            try {
                d = IdxReader.readImagesAndLabels(images, labels);
            } catch (DatasetFormatException e) {
                assertEquals(IMG, e.file());
                assertTrue(e.byteOffset() >= 0 && e.byteOffset() <= gz.length, e.getMessage());
                rejected++;
                continue;
            }
            // gzip protects the data with CRC-32 and ISIZE; only the member header's MTIME (4..7),
            // XFL (8) and OS (9) bytes are unprotected and may change without harm
            assertTrue(at >= 4 && at <= 9, "corrupting byte " + at + " of " + gz.length + " was not detected");
            assertExpectedSplit(d);
        }
        assertTrue(rejected >= gz.length - 6, rejected + " of " + gz.length + " corruptions rejected");
    }
}
