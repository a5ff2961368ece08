package io.metaloop.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.FieldError;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.datasets.Mutations.Mutant;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link TaskUpload#parse} with {@value #INPUTS} malformed uploads made by a seeded {@link Random} from
 * two valid tasks of {@link TaskUploadTest}'s kind: the zip's bytes damaged (truncations, flips, inserted and
 * deleted bytes, header sizes and counts at edge values), entry names with path tricks ({@code ../x},
 * {@code /abs}, {@code support/../../x}, backslashes, NUL and control characters, empty segments, drive
 * letters, over-long names, deep folders), the same entry twice, entries deleted or added (non-image files,
 * zero-byte images, clutter, empty class folders, unknown query classes), images damaged or re-encoded with
 * header fields at edge values (huge declared sizes), entries that inflate past the bound.
 *
 * <p>Each upload must either give a consistent task (two or more classes, queries, every image C×H×W, labels
 * in range) or be refused with {@link InvalidMessageException} whose every problem names {@code upload},
 * {@code support/}, {@code query/} or an entry of the upload, and says what is wrong. Anything else is a crash:
 * another exception, an error, a parse still running after {@value #TIMEOUT_SECONDS} s, or the upload's bytes
 * changed.
 */
class TaskUploadFuzzTest {
    static final int INPUTS = 1000;
    private static final int TIMEOUT_SECONDS = 20;
    private static final long SEED = 0x7A5C_0F22L;
    /** Tight bounds, so that inputs reach them: 1 MiB inflated, 12 images, 256×256 pixels an image. */
    private static final TaskUpload.Limits LIMITS = new TaskUpload.Limits(1 << 20, 1 << 20, 12, 256 * 256, 1 << 20);

    private static ExecutorService worker;

    @BeforeAll
    static void startWorker() {
        worker = newWorker();
    }

    @AfterAll
    static void stopWorker() {
        worker.shutdownNow();
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "task-upload-fuzz");
            t.setDaemon(true);
            return t;
        });
    }

    // ------------------------------------------------------------------ valid uploads

    /** {@link TaskUploadTest#basic()}: two classes, an unlabelled query, no folder entries. */
    static List<Map.Entry<String, byte[]>> unlabelled() {
        return entries(TaskUploadTest.basic());
    }

    /** Labelled queries in a wrapping folder with folder entries, a JPEG and macOS clutter. */
    static List<Map.Entry<String, byte[]>> labelledInAFolder() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("task/", null);
        m.put("task/support/", null);
        m.put("task/support/cat/", null);
        m.put("task/support/cat/b.png", TaskUploadTest.rgbPng(10, 6, 0xC86432));
        m.put("task/support/cat/a.jpg", TaskUploadTest.image("jpg", BufferedImage.TYPE_INT_RGB, 5, 7, 0x808080));
        m.put("task/support/dog/c.png", TaskUploadTest.greyPng(5, 9, 77));
        m.put("task/support/dog/.DS_Store", new byte[] {0, 0, 0, 1, 'B', 'u', 'd', '1'});
        m.put("__MACOSX/task/support/cat/._b.png", new byte[] {0, 5, 22, 7});
        m.put("task/query/dog/q2.png", TaskUploadTest.image("png", BufferedImage.TYPE_INT_ARGB, 6, 6, 0x0A0A0A));
        m.put("task/query/cat/q1.png", TaskUploadTest.rgbPng(8, 8, 0x00FF00));
        return entries(m);
    }

    private static List<Map.Entry<String, byte[]>> entries(Map<String, byte[]> m) {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(new SimpleEntry<>(k, v)));
        return out;
    }

    @Test
    void theValidUploadsAreAccepted() {
        for (List<Map.Entry<String, byte[]>> task : List.of(unlabelled(), labelledInAFolder())) {
            TaskUpload.Task t = TaskUpload.parse(zip(task), 3, 8, 8, LIMITS);
            assertEquals(List.of("cat", "dog"), t.classes());
            assertEquals("", consistency(t, 3, 8, 8));
        }
    }

    // ------------------------------------------------------------------ the fuzz

    @Test
    void malformedUploadsAreConvertedOrRefusedNamingTheEntry() throws Exception {
        int accepted = 0;
        int refused = 0;
        List<String> crashes = new ArrayList<>();
        for (int i = 0; i < INPUTS; i++) {
            Random random = new Random(SEED + i);
            Mutant input = generate(random, i);
            int channels = random.nextBoolean() ? 1 : 3;
            int height = 1 + random.nextInt(12);
            int width = 1 + random.nextInt(12);
            String crash = attempt(input.bytes(), channels, height, width);
            if (crash == null) {
                refused++;
            } else if (crash.isEmpty()) {
                accepted++;
            } else {
                crashes.add("#" + i + " " + input.description() + " (" + channels + "×" + height + "×" + width + "): " + crash);
            }
        }
        System.out.println("fuzz task upload: " + INPUTS + " inputs, " + accepted + " accepted, " + refused
                + " rejected with a named error, " + crashes.size() + " crashes");
        assertTrue(INPUTS >= 1000);
        assertEquals(0, crashes.size(), () -> crashes.size() + " crashes, the first:\n"
                + String.join("\n", crashes.subList(0, Math.min(10, crashes.size()))));
        // the mutations must reach the checks, not only be read back as if nothing happened
        assertTrue(refused >= INPUTS / 2, "only " + refused + " of " + INPUTS + " refused");
    }

    /** @return null when refused with named problems, "" when accepted consistently, otherwise what went wrong */
    static String attempt(byte[] upload, int channels, int height, int width) {
        byte[] before = upload.clone();
        Future<TaskUpload.Task> parse = worker.submit(() -> TaskUpload.parse(upload, channels, height, width, LIMITS));
        String outcome;
        try {
            outcome = consistency(parse.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), channels, height, width);
        } catch (TimeoutException e) {
            parse.cancel(true);
            worker.shutdownNow();
            worker = newWorker();
            outcome = "still parsing after " + TIMEOUT_SECONDS + " s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            outcome = e.getCause() instanceof InvalidMessageException m ? named(m, upload) : describe(e.getCause());
        }
        if (!Arrays.equals(before, upload)) {
            outcome = (outcome == null ? "" : outcome + "; ") + "the upload's bytes were changed";
        }
        return outcome;
    }

    /** "" when a parsed task is consistent, else what is wrong with it. */
    static String consistency(TaskUpload.Task t, int channels, int height, int width) {
        int bytes = channels * height * width;
        if (t.classes().size() < 2 || t.support().isEmpty() || t.queries().isEmpty()) {
            return "accepted a task of " + t.classes().size() + " classes, " + t.support().size() + " support images and "
                    + t.queries().size() + " queries";
        }
        for (TaskUpload.Image image : t.support()) {
            if (image.pixels().length != bytes || image.label() < 0 || image.label() >= t.classes().size()) {
                return "support image " + image.name() + " has " + image.pixels().length + " bytes, label " + image.label();
            }
        }
        for (TaskUpload.Image image : t.queries()) {
            boolean labelOk = t.labelled() ? image.label() >= 0 && image.label() < t.classes().size()
                    : image.label() == TaskUpload.UNLABELLED;
            if (image.pixels().length != bytes || !labelOk) {
                return "query " + image.name() + " has " + image.pixels().length + " bytes, label " + image.label();
            }
        }
        return "";
    }

    /** null when every problem names the upload, a top folder or an entry, and says something; else what is wrong. */
    private static String named(InvalidMessageException e, byte[] upload) {
        if (e.errors().isEmpty()) {
            return "InvalidMessageException without problems: " + e.getMessage();
        }
        Set<String> names = entryNames(upload);
        for (FieldError error : e.errors()) {
            String field = error.field();
            boolean known = field != null && (field.equals(TaskUpload.UPLOAD) || field.equals("support/")
                    || field.equals("query/") || names.contains(field));
            if (!known) {
                return "a problem names '" + field + "', not the upload or one of its entries " + names + ": " + error;
            }
            if (error.message() == null || error.message().isBlank()) {
                return "a problem of " + field + " says nothing";
            }
        }
        return null;
    }

    /** The names of the upload's entries as {@link TaskUpload} shows them, as far as a zip reader gets. */
    private static Set<String> entryNames(byte[] upload) {
        Set<String> names = new HashSet<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(upload), StandardCharsets.UTF_8)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(shown(e.getName()));
            }
        } catch (IOException | IllegalArgumentException e) {
            // a damaged archive: the names before the damage are all TaskUpload saw
        }
        return names;
    }

    /** As TaskUpload shows a name: control characters as '?', at most 512 characters then "...". */
    private static String shown(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length() && i < 512; i++) {
            char c = name.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return name.length() > 512 ? sb + "..." : sb.toString();
    }

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getClass().getName() + ": " + t.getMessage());
        StackTraceElement[] trace = t.getStackTrace();
        for (int k = 0; k < Math.min(8, trace.length); k++) {
            sb.append("\n        at ").append(trace[k]);
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ making malformed uploads

    static Mutant generate(Random random, int index) {
        List<Map.Entry<String, byte[]>> entries = random.nextBoolean() ? unlabelled() : labelledInAFolder();
        List<String> what = new ArrayList<>();
        switch (index % 6) {
            case 0 -> {
                byte[] zip = zip(entries);
                return random.nextInt(3) == 0 ? Mutations.zipHeaderField(zip, random) : Mutations.mutate(zip, random);
            }
            case 1 -> what.add(image(entries, random));
            case 2 -> what.add(name(entries, random));
            case 3 -> what.add(structural(entries, random));
            case 4 -> what.add(size(entries, random));
            default -> {
                what.add(random.nextBoolean() ? name(entries, random) : image(entries, random));
                what.add(structural(entries, random));
            }
        }
        return new Mutant(String.join("; ", what), zip(entries));
    }

    private static List<Integer> files(List<Map.Entry<String, byte[]>> entries) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).getValue() != null) {
                out.add(i);
            }
        }
        return out;
    }

    /** One entry's bytes damaged, emptied, replaced by text, or re-encoded, often with a header field at an edge value. */
    private static String image(List<Map.Entry<String, byte[]>> entries, Random random) {
        List<Integer> files = files(entries);
        int k = files.get(random.nextInt(files.size()));
        Map.Entry<String, byte[]> e = entries.get(k);
        byte[] bytes = e.getValue();
        Mutant m = switch (random.nextInt(6)) {
            case 0 -> new Mutant("emptied", new byte[0]);
            case 1 -> new Mutant("replaced by text", "not an image, just words\n".getBytes(StandardCharsets.UTF_8));
            case 2 -> {
                String format = new String[] {"bmp", "gif", "jpeg", "png"}[random.nextInt(4)];
                byte[] recoded = reencode(bytes, format);
                yield recoded == null ? Mutations.mutate(bytes, random)
                        : named("re-encoded as " + format + ", ", Mutations.imageHeader(recoded, random));
            }
            case 3 -> Mutations.imageHeader(bytes, random);
            default -> Mutations.mutate(bytes, random);
        };
        entries.set(k, new SimpleEntry<>(e.getKey(), m.bytes()));
        return e.getKey() + ": " + m.description();
    }

    /** One entry renamed with a path trick, a bad character, an over-long or deep name, or into another place. */
    private static String name(List<Map.Entry<String, byte[]>> entries, Random random) {
        int k = random.nextInt(entries.size());
        Map.Entry<String, byte[]> e = entries.get(k);
        String name = e.getKey();
        String[] prefixes = {"../", "/", "./", "support/../../", "C:/", "c:\\", "//", "support/cat/../../", "~/"};
        String[] inserts = {"\\", "\u0000", "\u0001", "\n", "\u007F", "//", "/./", "/../", "é", "\uD83D\uDE00"};
        String renamed = switch (random.nextInt(10)) {
            case 0 -> prefixes[random.nextInt(prefixes.length)] + name;
            case 1 -> {
                int at = random.nextInt(name.length() + 1);
                yield name.substring(0, at) + inserts[random.nextInt(inserts.length)] + name.substring(at);
            }
            case 2 -> name.replace('/', '\\');
            case 3 -> "support/cat/" + "d/".repeat(20 + random.nextInt(200)) + "deep.png";
            case 4 -> "support/" + "c".repeat(100 + random.nextInt(100)) + "/x.png";
            case 5 -> name + "x".repeat(400 + random.nextInt(400));
            case 6 -> new String[] {"", "/", "support", "query", "support/", "query/", "support/x.png", "x.png",
                "other/a.png", "support//a.png", "query/q/r/s.png", "support/cat/", "query/cat/"}[random.nextInt(13)];
            case 7 -> name.endsWith("/") ? name.substring(0, name.length() - 1) : name + "/";
            case 8 -> {
                char[] c = name.toCharArray();
                if (c.length > 0) {
                    c[random.nextInt(c.length)] = "aZ9._- /\\:".charAt(random.nextInt(10));
                }
                yield new String(c);
            }
            default -> name.toUpperCase(java.util.Locale.ROOT);
        };
        if (renamed.getBytes(StandardCharsets.UTF_8).length > 0xFFFF) {
            renamed = renamed.substring(0, 1000);
        }
        entries.set(k, new SimpleEntry<>(renamed, e.getValue()));
        return "renamed " + printable(name) + " to '" + printable(renamed) + "'";
    }

    /** Entries deleted, duplicated, added, moved between classes, shuffled. */
    private static String structural(List<Map.Entry<String, byte[]>> entries, Random random) {
        int k = random.nextInt(entries.size());
        Map.Entry<String, byte[]> e = entries.get(k);
        String top = entries.stream().anyMatch(x -> x.getKey().startsWith("task/")) ? "task/" : "";
        switch (random.nextInt(8)) {
            case 0 -> {
                entries.remove(k);
                return "deleted " + e.getKey();
            }
            case 1 -> {
                byte[] bytes = random.nextBoolean() || e.getValue() == null ? e.getValue()
                        : TaskUploadTest.greyPng(3, 3, random.nextInt(256));
                entries.add(random.nextInt(entries.size() + 1), new SimpleEntry<>(e.getKey(), bytes));
                return "a second " + e.getKey();
            }
            case 2 -> {
                String[] added = {"support/cat/notes.txt", "support/fox/", "query/cow/m.png", "query/loose.png",
                    "support/cat/zero.png", "support/cat/.DS_Store", "__MACOSX/support/._x.png", "Thumbs.db",
                    "support/cat/desktop.ini", "readme.md", "support/loose.png", "query/"};
                String name = added[random.nextInt(added.length)];
                String full = name.startsWith("__") || name.startsWith("Thumbs") ? name : top + name;
                byte[] bytes = name.endsWith("/") ? null : name.endsWith("zero.png") ? new byte[0]
                        : name.endsWith(".png") ? TaskUploadTest.rgbPng(4, 4, random.nextInt(1 << 24))
                        : "text\n".getBytes(StandardCharsets.UTF_8);
                entries.add(random.nextInt(entries.size() + 1), new SimpleEntry<>(full, bytes));
                return "added " + full;
            }
            case 3 -> {
                // more images than the limit allows
                int n = LIMITS.maxImages() + random.nextInt(4) - 2;
                for (int j = 0; j < n; j++) {
                    entries.add(new SimpleEntry<>(top + "query/extra" + j + ".png", TaskUploadTest.greyPng(2, 2, j)));
                }
                return "added " + n + " queries";
            }
            case 4 -> {
                Collections.shuffle(entries, random);
                return "entries shuffled";
            }
            case 5 -> {
                entries.removeIf(x -> x.getKey().contains("query/"));
                return "every query deleted";
            }
            case 6 -> {
                entries.removeIf(x -> x.getKey().contains("support/dog"));
                return "class dog deleted";
            }
            default -> {
                entries.replaceAll(x -> new SimpleEntry<>(x.getKey().replace("support/dog/", "support/cat/"), x.getValue()));
                return "dog's images moved to cat";
            }
        }
    }

    /** An entry that inflates past the bound, or whose headers declare sizes it does not have. */
    private static String size(List<Map.Entry<String, byte[]>> entries, Random random) {
        List<Integer> files = files(entries);
        int k = files.get(random.nextInt(files.size()));
        Map.Entry<String, byte[]> e = entries.get(k);
        if (random.nextBoolean()) {
            int n = (int) (LIMITS.maxInflatedBytes() - 4096 + random.nextInt(8192));
            entries.set(k, new SimpleEntry<>(e.getKey(), new byte[n]));
            return e.getKey() + " replaced by " + n + " zeros";
        }
        // a PNG declaring a large picture: over the pixel limit, or within it but without the data
        int w = new int[] {257, 4096, 0x7FFF, 65535, 1 << 20}[random.nextInt(5)];
        int h = new int[] {1, 255, 4096, 0x7FFF}[random.nextInt(4)];
        byte[] png = TaskUploadTest.greyPng(2, 2, 9);
        Mutations.putField(png, 16, 4, true, w);
        Mutations.putField(png, 20, 4, true, h);
        Mutations.fixPngCrcs(png);
        entries.set(k, new SimpleEntry<>(e.getKey(), png));
        return e.getKey() + " declares " + w + "×" + h + " pixels";
    }

    // ------------------------------------------------------------------ packing

    /**
     * The entries zipped by {@link TaskUploadTest#zip}; a name that occurs again is written under a stand-in of
     * the same length, then patched to the name ({@code ZipOutputStream} refuses duplicates).
     */
    static byte[] zip(List<Map.Entry<String, byte[]>> entries) {
        Map<String, byte[]> unique = new LinkedHashMap<>();
        Map<String, String> standIns = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : entries) {
            String name = e.getKey();
            if (unique.containsKey(name) && !name.isEmpty()) {
                String standIn = standIn(name, unique.keySet(), entries);
                standIns.put(standIn, name);
                name = standIn;
            }
            unique.putIfAbsent(name, e.getValue());
        }
        byte[] zip = TaskUploadTest.zip(unique);
        for (var s : standIns.entrySet()) {
            zip = Mutations.replaceName(zip, s.getKey(), s.getValue());
        }
        return zip;
    }

    private static String standIn(String name, Set<String> taken, List<Map.Entry<String, byte[]>> entries) {
        for (char c : "~^!=+%@".toCharArray()) {
            String candidate = name.substring(0, name.length() - 1) + c;
            if (!taken.contains(candidate) && entries.stream().noneMatch(e -> e.getKey().contains(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no stand-in for " + name);
    }

    /** The image written again in another format, or null when the bytes are no image. */
    private static byte[] reencode(byte[] encoded, String format) {
        try {
            BufferedImage image = encoded == null ? null : ImageIO.read(new ByteArrayInputStream(encoded));
            if (image == null) {
                return null;
            }
            BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(image, 0, 0, null);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            return ImageIO.write(rgb, format, out) ? out.toByteArray() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Mutant named(String prefix, Mutant m) {
        return new Mutant(prefix + m.description(), m.bytes());
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.substring(0, Math.min(s.length(), 80)).toCharArray()) {
            sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return s.length() > 80 ? sb + "..." : sb.toString();
    }
}
