package io.metaloop.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;

/**
 * Seeded malformations of byte strings for the fuzz tests: truncations, byte flips, inserted and
 * deleted bytes, integer fields set to edge values, and the container-aware ones (zip header sizes,
 * tar header fields with a recomputed checksum, PNG chunks with recomputed CRCs) that get past the
 * outer checks to the parser behind them. Every mutation says what it did, so a failing input can be
 * named and rebuilt.
 */
public final class Mutations {
    private Mutations() {
    }

    /** A malformed input and how it was made from the valid one. */
    public record Mutant(String description, byte[] bytes) {
    }

    /** Values an integer field is set to: zero, one, sign bits, and sizes no buffer can hold. */
    static final long[] EDGE_VALUES = {0, 1, 2, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x10000, 0x7FFFFFFFL, 0x80000000L,
        0xFFFFFFFFL, 0x10000000L, Long.MAX_VALUE, Long.MIN_VALUE, -1L};

    public static long edgeValue(Random random) {
        return EDGE_VALUES[random.nextInt(EDGE_VALUES.length)];
    }

    /** One of the plain byte mutations, chosen at random. */
    public static Mutant mutate(byte[] in, Random random) {
        if (in.length == 0) {
            return insert(in, random);
        }
        return switch (random.nextInt(7)) {
            case 0 -> truncate(in, random);
            case 1, 2 -> flip(in, random);
            case 3 -> insert(in, random);
            case 4 -> delete(in, random);
            case 5 -> overwriteField(in, random);
            default -> duplicateRange(in, random);
        };
    }

    /** Cut at a random length, often within the last 24 bytes (zip end records, gzip trailers). */
    public static Mutant truncate(byte[] in, Random random) {
        int length = random.nextBoolean() || in.length <= 24 ? random.nextInt(in.length)
                : in.length - 1 - random.nextInt(24);
        return new Mutant("truncated to " + length + " of " + in.length + " bytes", Arrays.copyOf(in, length));
    }

    /** One to four bytes XORed with a random non-zero value. */
    public static Mutant flip(byte[] in, Random random) {
        byte[] out = in.clone();
        StringBuilder what = new StringBuilder("flipped");
        int flips = 1 + random.nextInt(4);
        for (int k = 0; k < flips; k++) {
            int at = random.nextInt(out.length);
            int mask = 1 + random.nextInt(255);
            out[at] ^= (byte) mask;
            what.append(" byte ").append(at).append(" ^0x").append(Integer.toHexString(mask));
        }
        return new Mutant(what.toString(), out);
    }

    /** One to 16 random bytes inserted at a random offset. */
    public static Mutant insert(byte[] in, Random random) {
        int at = random.nextInt(in.length + 1);
        byte[] extra = new byte[1 + random.nextInt(16)];
        random.nextBytes(extra);
        byte[] out = new byte[in.length + extra.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(in, at, out, at + extra.length, in.length - at);
        return new Mutant(extra.length + " random bytes inserted at " + at, out);
    }

    /** One to 16 bytes deleted at a random offset. */
    public static Mutant delete(byte[] in, Random random) {
        int at = random.nextInt(in.length);
        int n = Math.min(in.length - at, 1 + random.nextInt(16));
        byte[] out = new byte[in.length - n];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(in, at + n, out, at, in.length - at - n);
        return new Mutant(n + " bytes deleted at " + at, out);
    }

    /** A 1-, 2-, 4- or 8-byte field at a random offset set to an edge value, big- or little-endian. */
    public static Mutant overwriteField(byte[] in, Random random) {
        int width = new int[] {1, 2, 4, 8}[random.nextInt(4)];
        if (in.length < width) {
            return flip(in, random);
        }
        int at = random.nextInt(in.length - width + 1);
        return setField(in, at, width, random.nextBoolean(), edgeValue(random));
    }

    /** The {@code width}-byte field at {@code at} set to {@code value} (its low bytes). */
    public static Mutant setField(byte[] in, int at, int width, boolean bigEndian, long value) {
        byte[] out = in.clone();
        putField(out, at, width, bigEndian, value);
        return new Mutant((bigEndian ? "big" : "little") + "-endian " + width + "-byte field at " + at + " set to 0x"
                + Long.toHexString(value), out);
    }

    static void putField(byte[] out, int at, int width, boolean bigEndian, long value) {
        for (int k = 0; k < width; k++) {
            int shift = 8 * (bigEndian ? width - 1 - k : k);
            out[at + k] = (byte) (value >>> shift);
        }
    }

    /** A random range of the input copied to a random offset. */
    public static Mutant duplicateRange(byte[] in, Random random) {
        int from = random.nextInt(in.length);
        int n = 1 + random.nextInt(Math.min(in.length - from, 600));
        int at = random.nextInt(in.length + 1);
        byte[] out = new byte[in.length + n];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(in, from, out, at, n);
        System.arraycopy(in, at, out, at + n, in.length - at);
        return new Mutant(n + " bytes from " + from + " copied to " + at, out);
    }

    // ------------------------------------------------------------------ zip

    /** Offsets of the local file headers (signature PK\3\4) and central directory headers (PK\1\2). */
    public static List<Integer> zipHeaders(byte[] zip, boolean central) {
        int signature = central ? 0x02014b50 : 0x04034b50;
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i + 4 <= zip.length; i++) {
            if (le32(zip, i) == signature) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * One size-like field of a zip header set to an edge value: in a local header the compressed size,
     * size, name length or extra length; in a central directory header those, or the local header's
     * offset; or the end record's entry count or directory offset.
     */
    public static Mutant zipHeaderField(byte[] zip, Random random) {
        List<Integer> local = zipHeaders(zip, false);
        List<Integer> central = zipHeaders(zip, true);
        int end = lastIndexOf(zip, 0x06054b50);
        long value = edgeValue(random);
        int pick = random.nextInt(3);
        if (pick == 0 && !local.isEmpty()) {
            int at = local.get(random.nextInt(local.size()));
            int[] fields = {18, 22, 26, 28};
            int[] widths = {4, 4, 2, 2};
            int f = random.nextInt(fields.length);
            return named("local header at " + at + ": ", setField(zip, at + fields[f], widths[f], false, value));
        }
        if (pick == 1 && !central.isEmpty()) {
            int at = central.get(random.nextInt(central.size()));
            int[] fields = {20, 24, 28, 30, 42};
            int[] widths = {4, 4, 2, 2, 4};
            int f = random.nextInt(fields.length);
            return named("central header at " + at + ": ", setField(zip, at + fields[f], widths[f], false, value));
        }
        if (end >= 0 && end + 22 <= zip.length) {
            int[] fields = {8, 10, 12, 16, 20};
            int[] widths = {2, 2, 4, 4, 2};
            int f = random.nextInt(fields.length);
            return named("end record at " + end + ": ", setField(zip, end + fields[f], widths[f], false, value));
        }
        return overwriteField(zip, random);
    }

    /**
     * Every occurrence of {@code from} (in local and central headers) replaced by {@code to}, which must
     * have the same UTF-8 length: how a test makes names {@code ZipOutputStream} refuses, such as the same
     * name twice. Zip CRCs do not cover names, so the archive stays otherwise valid.
     */
    public static byte[] replaceName(byte[] zip, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        if (f.length != t.length) {
            throw new IllegalArgumentException("names of different lengths: " + from + ", " + to);
        }
        byte[] out = zip.clone();
        int hits = 0;
        for (int i = 0; i + f.length <= out.length; i++) {
            if (Arrays.equals(out, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, out, i, t.length);
                hits++;
            }
        }
        if (hits == 0) {
            throw new IllegalArgumentException(from + " not found in the zip");
        }
        return out;
    }

    private static int lastIndexOf(byte[] b, int signature) {
        for (int i = b.length - 4; i >= 0; i--) {
            if (le32(b, i) == signature) {
                return i;
            }
        }
        return -1;
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    // ------------------------------------------------------------------ tar

    /** Offsets of the tar headers, found by walking the archive's declared sizes. */
    public static List<Integer> tarHeaders(byte[] tar) {
        List<Integer> out = new ArrayList<>();
        int at = 0;
        while (at + 512 <= tar.length && tar[at] != 0) {
            out.add(at);
            long size = octal(tar, at + 124, 12);
            at += 512 + (int) ((size + 511) / 512 * 512);
        }
        return out;
    }

    /**
     * One field of a random tar header changed, with the header checksum recomputed so the reader
     * parses the field instead of refusing the checksum: the size (an edge value, octal or base-256),
     * the name (cut, or a path trick), the type flag, or random bytes anywhere in the header.
     */
    public static Mutant tarHeaderField(byte[] tar, Random random) {
        List<Integer> headers = tarHeaders(tar);
        if (headers.isEmpty()) {
            return mutate(tar, random);
        }
        int at = headers.get(random.nextInt(headers.size()));
        byte[] out = tar.clone();
        String what;
        switch (random.nextInt(5)) {
            case 0 -> {
                long value = edgeValue(random);
                if (value >= 0 && value < 077777777777L) {
                    writeOctal(out, at + 124, 12, value);
                    what = "size set to " + value;
                } else {
                    // GNU base-256: first byte 0x80, then the big-endian value
                    Arrays.fill(out, at + 124, at + 136, (byte) 0);
                    out[at + 124] = (byte) 0x80;
                    putField(out, at + 128, 8, true, value);
                    what = "size set to base-256 0x" + Long.toHexString(value);
                }
            }
            case 1 -> {
                String[] names = {"../escape.bin", "/absolute.bin", "a//b.bin", "", "x\\y.bin", "deep/" + "d/".repeat(40) + "f"};
                String name = names[random.nextInt(names.length)];
                Arrays.fill(out, at, at + 100, (byte) 0);
                byte[] n = name.getBytes(StandardCharsets.UTF_8);
                System.arraycopy(n, 0, out, at, Math.min(n.length, 100));
                what = "name set to '" + name + "'";
            }
            case 2 -> {
                byte[] types = {'0', '1', '2', '3', '5', '7', 'x', 'g', 'L', 'K', 'S', 0, (byte) 0xFF};
                byte type = types[random.nextInt(types.length)];
                out[at + 156] = type;
                what = "type flag set to 0x" + Integer.toHexString(type & 0xFF);
            }
            default -> {
                int flips = 1 + random.nextInt(3);
                StringBuilder sb = new StringBuilder("random header bytes");
                for (int k = 0; k < flips; k++) {
                    int p = random.nextInt(512);
                    if (p >= 148 && p < 156) {
                        p = 157; // not the checksum itself: that is recomputed below
                    }
                    out[at + p] = (byte) random.nextInt(256);
                    sb.append(' ').append(p);
                }
                what = sb.toString();
            }
        }
        fixTarChecksum(out, at);
        return new Mutant("tar header at " + at + ": " + what + " (checksum recomputed)", out);
    }

    /** Recomputes a tar header's checksum (bytes 148–155 counted as spaces). */
    public static void fixTarChecksum(byte[] tar, int header) {
        Arrays.fill(tar, header + 148, header + 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += tar[header + i] & 0xFF;
        }
        String digits = String.format("%06o", sum);
        byte[] d = digits.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(d, d.length - 6, tar, header + 148, 6);
        tar[header + 154] = 0;
        tar[header + 155] = ' ';
    }

    private static long octal(byte[] b, int at, int length) {
        long value = 0;
        for (int i = at; i < at + length; i++) {
            int c = b[i];
            if (c == 0 || c == ' ') {
                if (value > 0) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7') {
                break;
            }
            value = value * 8 + (c - '0');
        }
        return value;
    }

    private static void writeOctal(byte[] b, int at, int length, long value) {
        String s = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, length - 1 - s.length())) + s;
        byte[] d = padded.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(d, 0, b, at, length - 1);
        b[at + length - 1] = 0;
    }

    // ------------------------------------------------------------------ gzip, PNG

    public static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static boolean isPng(byte[] b) {
        return b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    }

    /**
     * A PNG mutated inside its chunks (IHDR fields set to edge values, or bytes of a chunk's data flipped),
     * every chunk CRC then recomputed: past the CRC check, into the image decoder.
     */
    public static Mutant pngChunks(byte[] png, Random random) {
        byte[] out = png.clone();
        String what;
        if (random.nextBoolean() && out.length >= 33) {
            // IHDR data at 16: width, height (4 each), bit depth, colour type, compression, filter, interlace
            int[] fields = {16, 20, 24, 25, 26, 27, 28};
            int[] widths = {4, 4, 1, 1, 1, 1, 1};
            int f = random.nextInt(fields.length);
            long value = edgeValue(random);
            putField(out, fields[f], widths[f], true, value);
            what = "IHDR byte " + fields[f] + " set to 0x" + Long.toHexString(value);
        } else {
            Mutant m = random.nextBoolean() ? flip(out, random) : overwriteField(out, random);
            out = m.bytes();
            what = m.description();
        }
        fixPngCrcs(out);
        return new Mutant("PNG " + what + " (chunk CRCs recomputed)", out);
    }

    /** Recomputes the CRC of every chunk that lies wholly inside the bytes. */
    public static void fixPngCrcs(byte[] b) {
        int pos = 8;
        while (pos + 12 <= b.length) {
            long length = Integer.toUnsignedLong((b[pos] & 0xFF) << 24 | (b[pos + 1] & 0xFF) << 16
                    | (b[pos + 2] & 0xFF) << 8 | (b[pos + 3] & 0xFF));
            if (length > b.length - pos - 12L) {
                return;
            }
            CRC32 crc = new CRC32();
            crc.update(b, pos + 4, 4 + (int) length);
            putField(b, pos + 8 + (int) length, 4, true, crc.getValue());
            pos += 12 + (int) length;
        }
    }

    /**
     * A field of an image file's header set to an edge value: where decoders take sizes, offsets and
     * counts from. BMP: file size, pixel offset, header size, width, height, planes, bits, compression,
     * image size, colours used; GIF: screen and image sizes, flags, LZW code size; JPEG: the frame's
     * height, width and component count; PNG: see {@link #pngChunks}. Other bytes: a plain mutation.
     */
    public static Mutant imageHeader(byte[] image, Random random) {
        if (isPng(image)) {
            return pngChunks(image, random);
        }
        long value = edgeValue(random);
        if (image.length >= 54 && image[0] == 'B' && image[1] == 'M') {
            int[] fields = {2, 10, 14, 18, 22, 26, 28, 30, 34, 46, 50};
            int[] widths = {4, 4, 4, 4, 4, 2, 2, 4, 4, 4, 4};
            int f = random.nextInt(fields.length);
            return named("BMP header: ", setField(image, fields[f], widths[f], false, value));
        }
        if (image.length >= 13 && image[0] == 'G' && image[1] == 'I' && image[2] == 'F') {
            List<int[]> fields = new ArrayList<>(List.of(new int[] {6, 2}, new int[] {8, 2}, new int[] {10, 1}));
            int descriptor = indexOf(image, (byte) 0x2C, 13);
            if (descriptor >= 0 && descriptor + 11 <= image.length) {
                for (int[] f : new int[][] {{1, 2}, {3, 2}, {5, 2}, {7, 2}, {9, 1}, {10, 1}}) {
                    fields.add(new int[] {descriptor + f[0], f[1]});
                }
            }
            int[] f = fields.get(random.nextInt(fields.size()));
            return named("GIF header: ", setField(image, f[0], f[1], false, value));
        }
        if (image.length >= 4 && (image[0] & 0xFF) == 0xFF && (image[1] & 0xFF) == 0xD8) {
            for (int i = 2; i + 10 <= image.length; i++) {
                if ((image[i] & 0xFF) == 0xFF && (image[i + 1] & 0xFF) >= 0xC0 && (image[i + 1] & 0xFF) <= 0xC2) {
                    int[][] fields = {{i + 2, 2}, {i + 5, 2}, {i + 7, 2}, {i + 9, 1}};
                    int[] f = fields[random.nextInt(fields.length)];
                    return named("JPEG frame header: ", setField(image, f[0], f[1], true, value));
                }
            }
        }
        return mutate(image, random);
    }

    private static int indexOf(byte[] b, byte value, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static Mutant named(String prefix, Mutant m) {
        return new Mutant(prefix + m.description(), m.bytes());
    }
}
