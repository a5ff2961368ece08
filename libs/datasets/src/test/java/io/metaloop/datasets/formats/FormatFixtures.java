package io.metaloop.datasets.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metaloop.datasets.DatasetReader;
import io.metaloop.datasets.InMemoryDataset;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.datasets.SplitData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes image files with {@code ImageIO.write} and packs them the way datasets are published: a zip
 * ({@code ZipOutputStream}, with folder entries as zip tools write them), a tar.gz (commons-compress),
 * or a plain folder tree. Also small valid datasets of every format of this package, for the tests
 * and the corruption sweep.
 */
final class FormatFixtures {
    private FormatFixtures() {
    }

    // ------------------------------------------------------------------ images

    static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 8-bit grey PNG; {@code grey[y][x]}. */
    static byte[] greyPng(int[][] grey) {
        BufferedImage image = new BufferedImage(grey[0].length, grey.length, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < grey.length; y++) {
            for (int x = 0; x < grey[0].length; x++) {
                image.getRaster().setSample(x, y, 0, grey[y][x]);
            }
        }
        return encode(image, "png");
    }

    /** RGB image of {@code rgb[y][x] = 0xRRGGBB}. */
    static BufferedImage rgbImage(int[][] rgb) {
        BufferedImage image = new BufferedImage(rgb[0].length, rgb.length, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rgb.length; y++) {
            for (int x = 0; x < rgb[0].length; x++) {
                image.setRGB(x, y, rgb[y][x]);
            }
        }
        return image;
    }

    static byte[] rgbPng(int[][] rgb) {
        return encode(rgbImage(rgb), "png");
    }

    /** 1-bit PNG like Omniglot's: {@code ink[y][x]} true = black (0), false = white (255). */
    static byte[] binaryPng(boolean[][] ink) {
        BufferedImage image = new BufferedImage(ink[0].length, ink.length, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < ink.length; y++) {
            for (int x = 0; x < ink[0].length; x++) {
                image.getRaster().setSample(x, y, 0, ink[y][x] ? 0 : 1);
            }
        }
        return encode(image, "png");
    }

    /** A w×h JPEG of one colour. */
    static byte[] solidJpeg(int w, int h, int rgb) {
        int[][] px = new int[h][w];
        for (int[] row : px) {
            java.util.Arrays.fill(row, rgb);
        }
        return encode(rgbImage(px), "jpg");
    }

    /** A w×h RGB PNG whose pixels are {@link #pattern}(seed, y, x). */
    static byte[] patternPng(int w, int h, int seed) {
        int[][] px = new int[h][w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[y][x] = pattern(seed, y, x);
            }
        }
        return rgbPng(px);
    }

    static int pattern(int seed, int y, int x) {
        int r = (seed * 37 + y * 50 + x * 11) & 0xFF;
        int g = (seed * 91 + y * 7 + x * 60 + 128) & 0xFF;
        int b = (seed * 13 + y * x * 5 + 200) & 0xFF;
        return r << 16 | g << 8 | b;
    }

    /** The channel-major RGB bytes {@link #patternPng} must decode to. */
    static byte[] patternPixels(int w, int h, int seed) {
        byte[] out = new byte[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = pattern(seed, y, x);
                out[y * w + x] = (byte) (p >> 16);
                out[w * h + y * w + x] = (byte) (p >> 8);
                out[2 * w * h + y * w + x] = (byte) p;
            }
        }
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ containers

    /** Folder entries ({@code a/}, {@code a/b/}) for every file, before the file, as {@code zip -r} writes them. */
    static void writeZip(Path zip, Map<String, byte[]> files) {
        try {
            Files.write(zip, zipBytes(files));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes {@link #writeZip} writes. */
    static byte[] zipBytes(Map<String, byte[]> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            Set<String> folders = new LinkedHashSet<>();
            for (var e : files.entrySet()) {
                String name = e.getKey();
                for (int s = name.indexOf('/'); s >= 0; s = name.indexOf('/', s + 1)) {
                    String folder = name.substring(0, s + 1);
                    if (folders.add(folder)) {
                        out.putNextEntry(entry(folder));
                        out.closeEntry();
                    }
                }
                if (!name.endsWith("/")) {
                    out.putNextEntry(entry(name));
                    out.write(e.getValue());
                    out.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A zip entry with a fixed time, so that a zip's bytes are the same on every run. */
    private static ZipEntry entry(String name) {
        ZipEntry entry = new ZipEntry(name);
        entry.setTimeLocal(java.time.LocalDateTime.of(2024, 1, 1, 0, 0));
        return entry;
    }

    static void writeTarGz(Path tar, Map<String, byte[]> files) {
        try (OutputStream os = Files.newOutputStream(tar); GZIPOutputStream gz = new GZIPOutputStream(os);
             TarArchiveOutputStream out = new TarArchiveOutputStream(gz)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (var e : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                out.putArchiveEntry(entry);
                out.write(e.getValue());
                out.closeArchiveEntry();
            }
            out.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names ending in '/' become empty folders. */
    static void writeTree(Path dir, Map<String, byte[]> files) {
        try {
            for (var e : files.entrySet()) {
                Path p = dir.resolve(e.getKey());
                if (e.getKey().endsWith("/")) {
                    Files.createDirectories(p);
                } else {
                    Files.createDirectories(p.getParent());
                    Files.write(p, e.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ reading

    static InMemoryDataset read(DatasetReader reader, Path source, ReadOptions options) throws IOException {
        InMemoryDataset data = new InMemoryDataset();
        reader.read(source, options, data);
        return data;
    }

    /** Same layout, same splits in the same order, same counts, labels and pixels. */
    static void assertSameDataset(InMemoryDataset expected, InMemoryDataset actual, String context) {
        assertEquals(expected.layout(), actual.layout(), context);
        Map<String, SplitData> e = expected.splits();
        Map<String, SplitData> a = actual.splits();
        assertEquals(e.keySet().stream().toList(), a.keySet().stream().toList(), context);
        for (String split : e.keySet()) {
            assertEquals(e.get(split).count(), a.get(split).count(), context + " " + split);
            assertArrayEquals(e.get(split).labels(), a.get(split).labels(), context + " " + split);
            assertArrayEquals(e.get(split).pixels(), a.get(split).pixels(), context + " " + split);
        }
    }

    /** Image i of a split, channel-major. */
    static byte[] image(SplitData split, int i) {
        return java.util.Arrays.copyOfRange(split.pixels(), i * split.imageBytes(), (i + 1) * split.imageBytes());
    }

    static Path projectRoot() {
        String home = System.getProperty("metaloop.home");
        if (home != null && !home.isBlank() && Files.isRegularFile(Path.of(home, "mvnw"))) {
            return Path.of(home);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw"))) {
                return p;
            }
        }
        throw new IllegalStateException("no project root (a folder with mvnw) above " + Path.of("").toAbsolutePath());
    }

    // ------------------------------------------------------------------ one small valid dataset per format

    /** A small valid dataset of a format, as files (name → bytes, in archive order), and its reader. */
    record Fixture(String format, DatasetReader reader, Map<String, byte[]> files, ReadOptions options) {
    }

    static Map<String, Fixture> fixtures() {
        Map<String, Fixture> out = new LinkedHashMap<>();
        out.put("omniglot", new Fixture("omniglot", new OmniglotReader(), omniglotFiles(), ReadOptions.DEFAULTS));
        out.put("tiny-imagenet", new Fixture("tiny-imagenet", new TinyImageNetReader(), tinyFiles(4),
                ReadOptions.DEFAULTS.withImageSize(4)));
        out.put("image-folder", new Fixture("image-folder", new ImageFolderReader(), imageFolderFiles("data/"),
                ReadOptions.DEFAULTS));
        out.put("slimagenet64", new Fixture("slimagenet64", new SlimageNet64Reader(), imageFolderFiles("SlimageNet64/"),
                ReadOptions.DEFAULTS));
        out.put("mini-imagenet", new Fixture("mini-imagenet", new MiniImageNetReader(), miniFiles(""),
                ReadOptions.DEFAULTS));
        out.put("tiered-imagenet", new Fixture("tiered-imagenet", new TieredImageNetReader(),
                classListFiles("tiered-imagenet/"), ReadOptions.DEFAULTS));
        out.put("cifar-fs", new Fixture("cifar-fs", new CifarFsReader(), classListFiles("cifar-fs/"),
                ReadOptions.DEFAULTS));
        out.put("fc100", new Fixture("fc100", new Fc100Reader(), classListFiles(""), ReadOptions.DEFAULTS));
        return out;
    }

    /** Omniglot: 2 alphabets (written out of order), 3 characters, 2 drawers each, 5×5 1-bit PNGs. */
    static Map<String, byte[]> omniglotFiles() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        String[][] characters = {{"Zulu_script", "character02"}, {"Zulu_script", "character01"}, {"Alpha", "character01"}};
        int k = 0;
        for (String[] c : characters) {
            for (int drawer = 1; drawer <= 2; drawer++) {
                files.put("images_background/" + c[0] + "/" + c[1] + "/070" + k + "_0" + drawer + ".png",
                        binaryPng(omniglotInk(k)));
                k++;
            }
        }
        return files;
    }

    /** Image k of {@link #omniglotFiles}: 5×5, ink in the top-right corner and at one more place. */
    static boolean[][] omniglotInk(int k) {
        boolean[][] ink = new boolean[5][5];
        ink[k % 5][(k * 2 + 1) % 5] = true;
        ink[0][4] = true;
        return ink;
    }

    /** What a 1-bit image decodes to as grey: ink 0, paper 255, row-major. */
    static byte[] inkPixels(boolean[][] ink) {
        byte[] out = new byte[ink.length * ink[0].length];
        for (int y = 0; y < ink.length; y++) {
            for (int x = 0; x < ink[0].length; x++) {
                out[y * ink[0].length + x] = (byte) (ink[y][x] ? 0 : 255);
            }
        }
        return out;
    }

    /** Tiny ImageNet: 3 wnids, 2 training images each, 3 validation images, 1 (garbage) test image. */
    static Map<String, byte[]> tinyFiles(int side) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        String root = "tiny-imagenet-200/";
        files.put(root + "wnids.txt", utf8("n03000003\nn01000001\nn02000002\n"));
        files.put(root + "words.txt", utf8("n00000009\tentity\nn01000001\tgoldfish, Carassius auratus\n"
                + "n02000002\tegyptian cat\nn03000003\tschool bus\nn04000004\tnot in tiny\n"));
        int[] colours = {0xC81E1E, 0x1EC81E, 0x1E1EC8};
        String[] wnids = {"n03000003", "n01000001", "n02000002"};
        for (int c = 0; c < 3; c++) {
            files.put(root + "train/" + wnids[c] + "/" + wnids[c] + "_boxes.txt", utf8(wnids[c] + "_0.JPEG\t0\t0\t3\t3\n"));
            for (int n = 0; n < 2; n++) {
                files.put(root + "train/" + wnids[c] + "/images/" + wnids[c] + "_" + n + ".JPEG",
                        solidJpeg(side, side, colours[c]));
            }
        }
        files.put(root + "val/images/val_0.JPEG", solidJpeg(side, side, colours[1]));
        files.put(root + "val/images/val_1.JPEG", solidJpeg(side, side, colours[0]));
        files.put(root + "val/images/val_2.JPEG", solidJpeg(side, side, colours[2]));
        files.put(root + "val/val_annotations.txt", utf8("val_0.JPEG\tn01000001\t0\t1\t2\t3\n"
                + "val_1.JPEG\tn03000003\t0\t0\t3\t3\nval_2.JPEG\tn02000002\t1\t1\t2\t2\n"));
        files.put(root + "test/images/test_0.JPEG", utf8("not a jpeg at all"));
        return files;
    }

    /** ImageFolder: {@code <prefix>train/{cat,dog}}, {@code val/{cat,eel}}, {@code test/dog}, 3×2 RGB PNGs. */
    static Map<String, byte[]> imageFolderFiles(String prefix) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        String[][] images = {{"train", "dog", "1"}, {"train", "cat", "2"}, {"train", "cat", "3"}, {"val", "eel", "4"},
            {"val", "cat", "5"}, {"test", "dog", "6"}};
        for (String[] im : images) {
            files.put(prefix + im[0] + "/" + im[1] + "/img" + im[2] + ".png", patternPng(3, 2, Integer.parseInt(im[2])));
        }
        return files;
    }

    /** mini-ImageNet: CSVs and images/ (3×3 RGB PNGs named .jpg as in the published CSVs: content decides). */
    static Map<String, byte[]> miniFiles(String prefix) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(prefix + "train.csv", utf8("filename,label\nn0200000200000001.jpg,n02000002\n"
                + "n0100000100000001.jpg,n01000001\nn0100000100000002.jpg,n01000001\n"));
        files.put(prefix + "val.csv", utf8("filename,label\nn0300000300000001.jpg,n03000003\n"));
        files.put(prefix + "test.csv", utf8("filename,label\r\nn0400000400000001.jpg,n04000004\r\n"));
        int seed = 1;
        for (String f : new String[] {"n0100000100000001.jpg", "n0100000100000002.jpg", "n0200000200000001.jpg",
            "n0300000300000001.jpg", "n0400000400000001.jpg"}) {
            files.put(prefix + "images/" + f, patternPng(3, 3, seed++));
        }
        return files;
    }

    /** tiered/CIFAR-FS/FC100 as trees: train.txt {b_cls, a_cls}, val.txt {c_cls}, test.txt {d_cls}; 2×2 PNGs. */
    static Map<String, byte[]> classListFiles(String prefix) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(prefix + "train.txt", utf8("b_cls\na_cls\n"));
        files.put(prefix + "val.txt", utf8("c_cls\n"));
        files.put(prefix + "test.txt", utf8("d_cls\n"));
        String[][] images = {{"a_cls", "1"}, {"a_cls", "2"}, {"b_cls", "3"}, {"c_cls", "4"}, {"d_cls", "5"},
            {"unlisted", "6"}};
        for (String[] im : images) {
            files.put(prefix + im[0] + "/" + im[1] + ".png", patternPng(2, 2, Integer.parseInt(im[1])));
        }
        return files;
    }
}
