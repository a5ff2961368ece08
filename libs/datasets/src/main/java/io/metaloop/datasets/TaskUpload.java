package io.metaloop.datasets;

import io.metaloop.contracts.FieldError;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.datasets.formats.ImageDecoding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * A user's own few-shot task, uploaded as one zip archive and converted to the image shape a model
 * expects.
 *
 * <p>Layout (entry names use '/'; one optional top-level folder may wrap everything, as when the
 * task folder itself is zipped):
 * <pre>
 * support/&lt;class&gt;/&lt;image&gt;      at least 2 classes, each with at least 1 image
 * query/&lt;image&gt;                unlabelled queries, or
 * query/&lt;class&gt;/&lt;image&gt;        labelled queries (the class must be a support class); not both kinds
 * </pre>
 * Images are PNG, JPEG, BMP or GIF of any size and colour mode; each is converted to exactly
 * C×H×W uint8 pixels ({@link ImageDecoding#decodeTo}: grey→RGB by replication, colour→grey by
 * ITU-R BT.601 luma, area-average/bilinear resize). macOS and Windows clutter ({@code __MACOSX/},
 * {@code .DS_Store}, {@code ._*}, {@code Thumbs.db}, {@code desktop.ini}) is ignored.
 *
 * <p>Refused, with an {@link InvalidMessageException} whose field is the entry's name (or
 * {@code upload} for the archive as a whole): an entry that is not a readable image (saying why and,
 * where the decoder tells, at which byte), a name with a path trick ({@code ..} or {@code .}
 * segments, an absolute path or drive letter, a backslash, a NUL or other control character, an
 * empty segment), a name outside {@code support/} and {@code query/} or at the wrong depth, the same
 * name twice, a class folder without images, fewer than two classes, no query image, a labelled
 * query of an unknown class, a mix of labelled and unlabelled queries, more than
 * {@link Limits#maxImages()} images, an image larger than {@link Limits#maxImagePixels()} pixels, an
 * archive that inflates to more than {@link Limits#maxInflatedBytes()} (counted while inflating, the
 * headers' sizes are not trusted), a compressed upload above {@link Limits#maxUploadBytes()}, and a
 * converted task above {@link Limits#maxTaskBytes()}. Entry problems are collected (up to 20) and
 * reported together; size bounds stop the reading at once.
 */
public final class TaskUpload {
    /** Label level 1 of a task frame: the row is a support image. */
    public static final int ROLE_SUPPORT = 0;
    /** Label level 1 of a task frame: the row is a query image. */
    public static final int ROLE_QUERY = 1;
    /** Label level 0 of an unlabelled query. */
    public static final int UNLABELLED = -1;
    /** The field name of problems of the archive as a whole. */
    public static final String UPLOAD = "upload";

    private static final int MAX_REPORTED = 20;
    private static final int MAX_NAME_CHARS = 512;
    private static final int MAX_CLASS_CHARS = 128;
    private static final Set<String> JUNK_FILES = Set.of(".ds_store", "thumbs.db", "desktop.ini");

    private TaskUpload() {
    }

    /**
     * Bounds on an upload.
     *
     * @param maxUploadBytes   the compressed archive, bytes (default 64 MiB)
     * @param maxInflatedBytes all entries together once inflated, bytes (default 256 MiB)
     * @param maxImages        support and query images together (default 2,000)
     * @param maxImagePixels   width·height of one image as stored (default 4096² = 16 Mi)
     * @param maxTaskBytes     the converted task, images·C·H·W bytes (default 256 MiB)
     */
    public record Limits(long maxUploadBytes, long maxInflatedBytes, int maxImages, long maxImagePixels, long maxTaskBytes) {
        public static final Limits DEFAULTS = new Limits(64L << 20, 256L << 20, 2000, 4096L * 4096, 256L << 20);

        /** @throws IllegalArgumentException when a bound is not positive */
        public Limits {
            if (maxUploadBytes < 1 || maxInflatedBytes < 1 || maxImages < 3 || maxImagePixels < 1 || maxTaskBytes < 1) {
                throw new IllegalArgumentException("task upload limits must be positive (and at least 3 images), got " + this);
            }
        }

        /** Entries of any kind (folders and ignored clutter included) read before the archive is refused. */
        public long maxEntries() {
            return 4L * maxImages + 1000;
        }
    }

    /**
     * One converted image.
     *
     * @param name   for support images the entry's name under {@code support/<class>/}, for queries the
     *               path under {@code query/} ({@code a.png}, or {@code cat/a.png} when labelled)
     * @param label  class index into {@link Task#classes()}, or {@link #UNLABELLED}
     * @param pixels uint8, channel-major, C·H·W bytes
     */
    public record Image(String name, int label, byte[] pixels) {
    }

    /**
     * A parsed task: every image already C×H×W.
     *
     * @param classes   the support classes, sorted (by {@link String#compareTo}); label i is classes[i]
     * @param support   support images, by class, then by name
     * @param queries   query images, by name
     * @param labelled  whether every query has a class (false: none has)
     */
    public record Task(int channels, int height, int width, List<String> classes, List<Image> support, List<Image> queries,
                       boolean labelled) {
        public Task {
            classes = List.copyOf(classes);
            support = List.copyOf(support);
            queries = List.copyOf(queries);
        }

        /** Support images per class, in class order. */
        public int[] supportCounts() {
            int[] counts = new int[classes.size()];
            for (Image image : support) {
                counts[image.label()]++;
            }
            return counts;
        }

        /** The names of the queries, in order. */
        public List<String> queryNames() {
            return queries.stream().map(Image::name).toList();
        }

        /**
         * The task as one frame: the support images (rows 0 … S−1) then the queries (rows S … S+Q−1),
         * {@code C×H×W} each, with two label levels: level 0 the class index ({@link #UNLABELLED} for an
         * unlabelled query), level 1 the role ({@link #ROLE_SUPPORT} or {@link #ROLE_QUERY}). Epoch 0,
         * batch 0 of 1.
         */
        public BatchFrame frame() {
            int count = support.size() + queries.size();
            int bytes = channels * height * width;
            byte[] pixels = new byte[Math.multiplyExact(count, bytes)];
            int[] labels = new int[2 * count];
            int row = 0;
            for (Image image : support) {
                System.arraycopy(image.pixels(), 0, pixels, row * bytes, bytes);
                labels[2 * row] = image.label();
                labels[2 * row + 1] = ROLE_SUPPORT;
                row++;
            }
            for (Image image : queries) {
                System.arraycopy(image.pixels(), 0, pixels, row * bytes, bytes);
                labels[2 * row] = image.label();
                labels[2 * row + 1] = ROLE_QUERY;
                row++;
            }
            return new BatchFrame(0, 0, 1, count, channels, height, width, 2, pixels, labels);
        }
    }

    /**
     * Reads a task from a zip archive's bytes and converts every image to {@code channels×height×width}.
     *
     * @param zip      the uploaded archive
     * @param channels 1 (grey) or 3 (RGB): the model's input channels
     * @param height   the model's input rows
     * @param width    the model's input columns
     * @throws InvalidMessageException  naming each entry at fault, or {@code upload} for the archive
     * @throws IllegalArgumentException when channels is not 1 or 3, or the shape is not positive
     */
    public static Task parse(byte[] zip, int channels, int height, int width, Limits limits) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("tasks are converted to 1 (grey) or 3 (RGB) channels, not " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("bad image size " + height + "×" + width);
        }
        if (zip == null || zip.length == 0) {
            throw new InvalidMessageException(UPLOAD, "the upload is empty; send a zip archive with support/<class>/<image> "
                    + "and query/<image> entries");
        }
        if (zip.length > limits.maxUploadBytes()) {
            throw new InvalidMessageException(UPLOAD, "the upload has " + zip.length + " bytes, more than the limit of "
                    + limits.maxUploadBytes());
        }
        return new Reader(channels, height, width, limits).read(zip);
    }

    /** The state of one pass over the archive. */
    private static final class Reader {
        private final int channels;
        private final int height;
        private final int width;
        private final Limits limits;
        private final List<FieldError> problems = new ArrayList<>();
        private final Set<String> seen = new HashSet<>();
        /** class → its first entry (folder or image), for messages */
        private final Map<String, String> supportClasses = new TreeMap<>();
        private final Map<String, List<Pending>> supportImages = new TreeMap<>();
        private final List<Pending> queryImages = new ArrayList<>();
        private final Map<String, String> queryClassFolders = new TreeMap<>();
        private String wrapper;
        private boolean wrapperDecided;
        private String firstUnlabelled;
        private String firstLabelled;
        private long inflated;
        private long entries;
        private int images;

        /** An image whose class index is known only once every class is. */
        private record Pending(String entry, String name, String className, byte[] pixels) {
        }

        Reader(int channels, int height, int width, Limits limits) {
            this.channels = channels;
            this.height = height;
            this.width = width;
            this.limits = limits;
        }

        Task read(byte[] zip) {
            try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
                while (true) {
                    ZipEntry entry;
                    try {
                        entry = in.getNextEntry();
                    } catch (IllegalArgumentException e) {
                        // ZipInputStream's way of saying a name is not valid in the archive's charset
                        fail(UPLOAD, "entry " + (entries + 1) + " has a name that is not valid UTF-8");
                        return null;
                    }
                    if (entry == null) {
                        break;
                    }
                    if (++entries > limits.maxEntries()) {
                        fail(UPLOAD, "the archive has more than " + limits.maxEntries() + " entries");
                    }
                    visit(entry, in);
                    // whatever was not read (folders, clutter, refused entries) is inflated to find the next
                    // entry all the same: count it against the bound too
                    drain(printable(entry.getName()), in);
                    if (problems.size() >= MAX_REPORTED) {
                        break;
                    }
                }
            } catch (ZipException | java.io.EOFException e) {
                fail(UPLOAD, "not a readable zip archive (" + (e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage()) + ")" + after());
            } catch (IOException e) {
                fail(UPLOAD, "cannot read the archive: " + e.getMessage() + after());
            }
            if (!problems.isEmpty()) {
                throw new InvalidMessageException(problems);
            }
            if (entries == 0) {
                fail(UPLOAD, "not a zip archive, or an empty one: no entries found");
            }
            return assemble();
        }

        private String after() {
            return entries == 0 ? "" : " after " + entries + (entries == 1 ? " entry" : " entries");
        }

        private void visit(ZipEntry entry, ZipInputStream in) throws IOException {
            String raw = entry.getName();
            String display = printable(raw);
            String trick = pathTrick(raw);
            if (trick != null) {
                problems.add(new FieldError(display, trick));
                return;
            }
            boolean directory = entry.isDirectory();
            String name = directory ? raw.substring(0, raw.length() - 1) : raw;
            List<String> segments = Arrays.asList(name.split("/", -1));
            if (isJunk(segments)) {
                return;
            }
            if (!seen.add(name)) {
                if (!directory) {
                    problems.add(new FieldError(display, "appears twice in the archive"));
                }
                return;
            }
            segments = unwrap(segments, display, directory);
            if (segments == null) {
                return;
            }
            String top = segments.get(0);
            if (top.equals("support")) {
                support(segments, display, directory, in);
            } else if (top.equals("query")) {
                query(segments, display, directory, in);
            } else {
                problems.add(new FieldError(display, "is outside support/ and query/; a task has support/<class>/<image> and "
                        + "query/<image> (or query/<class>/<image>)"));
            }
        }

        /** Drops the optional wrapping folder; null when the entry is refused. */
        private List<String> unwrap(List<String> segments, String display, boolean directory) {
            if (!wrapperDecided) {
                wrapperDecided = true;
                String first = segments.get(0);
                if (!first.equals("support") && !first.equals("query") && (segments.size() >= 2 || directory)) {
                    wrapper = first;
                }
            }
            if (wrapper == null) {
                return segments;
            }
            if (!segments.get(0).equals(wrapper)) {
                problems.add(new FieldError(display, "is outside the folder '" + wrapper + "/' that holds the rest of the "
                        + "task; put support/ and query/ at the top, or both in one folder"));
                return null;
            }
            if (segments.size() == 1) {
                return null; // the wrapping folder's own entry
            }
            return segments.subList(1, segments.size());
        }

        private void support(List<String> segments, String display, boolean directory, ZipInputStream in) throws IOException {
            if (directory && segments.size() <= 2) {
                if (segments.size() == 2) {
                    supportClasses.putIfAbsent(segments.get(1), display);
                }
                return;
            }
            if (segments.size() != 3) {
                problems.add(new FieldError(display, directory || segments.size() > 3
                        ? "is nested too deep: support images go in support/<class>/<image>, one folder per class"
                        : "is directly in support/: support images go in a folder per class, support/<class>/<image>"));
                return;
            }
            String className = segments.get(1);
            String classProblem = className(className);
            if (classProblem != null) {
                problems.add(new FieldError(display, classProblem));
                return;
            }
            supportClasses.putIfAbsent(className, display);
            byte[] pixels = image(display, in);
            if (pixels != null) {
                supportImages.computeIfAbsent(className, c -> new ArrayList<>())
                        .add(new Pending(display, segments.get(2), className, pixels));
            }
        }

        private void query(List<String> segments, String display, boolean directory, ZipInputStream in) throws IOException {
            if (directory) {
                if (segments.size() == 2) {
                    queryClassFolders.putIfAbsent(segments.get(1), display);
                } else if (segments.size() > 2) {
                    problems.add(new FieldError(display, "is nested too deep: queries go in query/<image> or "
                            + "query/<class>/<image>"));
                }
                return;
            }
            if (segments.size() > 3) {
                problems.add(new FieldError(display, "is nested too deep: queries go in query/<image> or query/<class>/<image>"));
                return;
            }
            String className = null;
            if (segments.size() == 3) {
                className = segments.get(1);
                String classProblem = className(className);
                if (classProblem != null) {
                    problems.add(new FieldError(display, classProblem));
                    return;
                }
                if (firstLabelled == null) {
                    firstLabelled = display;
                }
            } else if (firstUnlabelled == null) {
                firstUnlabelled = display;
            }
            byte[] pixels = image(display, in);
            if (pixels != null) {
                queryImages.add(new Pending(display, String.join("/", segments.subList(1, segments.size())), className, pixels));
            }
        }

        /** Inflates one entry (counting every byte against the bound) and converts it; null when it is refused. */
        private byte[] image(String display, InputStream in) throws IOException {
            if (++images > limits.maxImages()) {
                fail(UPLOAD, "the task has more than " + limits.maxImages() + " images (the limit); " + display
                        + " is one too many");
            }
            long taskBytes = (long) images * channels * height * width;
            if (taskBytes > limits.maxTaskBytes()) {
                fail(UPLOAD, images + " images of " + channels + "×" + height + "×" + width + " come to " + taskBytes
                        + " bytes, more than the limit of " + limits.maxTaskBytes() + "; " + display + " is one too many");
            }
            byte[] encoded = inflate(display, in);
            try {
                ImageDecoding.Size size = ImageDecoding.size(encoded, display);
                if ((long) size.width() * size.height() > limits.maxImagePixels()) {
                    problems.add(new FieldError(display, "is " + size.width() + "×" + size.height() + " pixels, more than "
                            + "the limit of " + limits.maxImagePixels() + " pixels per image"));
                    return null;
                }
                return ImageDecoding.decodeTo(encoded, channels, height, width, display).pixels();
            } catch (DatasetFormatException e) {
                problems.add(new FieldError(display, notAnImage(e)));
                return null;
            }
        }

        private byte[] inflate(String display, InputStream in) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            read(display, in, out);
            return out.toByteArray();
        }

        private void drain(String display, InputStream in) throws IOException {
            read(display, in, java.io.OutputStream.nullOutputStream());
        }

        /** Copies the rest of the entry, counting every inflated byte against the bound. */
        private void read(String display, InputStream in, java.io.OutputStream out) throws IOException {
            byte[] buffer = new byte[1 << 16];
            long start = inflated;
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    inflated += n;
                    if (inflated > limits.maxInflatedBytes()) {
                        fail(display, "the archive inflates to more than " + limits.maxInflatedBytes() + " bytes (the limit) "
                                + "by this entry; counted while inflating");
                    }
                    out.write(buffer, 0, n);
                }
            } catch (ZipException | java.io.EOFException e) {
                fail(display, "damaged or truncated entry: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage()) + " (after " + (inflated - start) + " inflated bytes)");
            }
        }

        private Task assemble() {
            for (Map.Entry<String, String> c : supportClasses.entrySet()) {
                if (!supportImages.containsKey(c.getKey())) {
                    problems.add(new FieldError(c.getValue(), "class '" + c.getKey() + "' has no images; every support class "
                            + "needs at least one"));
                }
            }
            if (supportClasses.isEmpty()) {
                problems.add(new FieldError("support/", "no support images: put each class's images in support/<class>/"));
            } else if (supportClasses.size() == 1) {
                problems.add(new FieldError("support/", "only one class ('" + supportClasses.keySet().iterator().next()
                        + "'); a task needs at least two"));
            }
            for (Map.Entry<String, String> folder : queryClassFolders.entrySet()) {
                if (!supportClasses.containsKey(folder.getKey())) {
                    problems.add(new FieldError(folder.getValue(), "class '" + folder.getKey() + "' is not a support class; "
                            + "support has " + supportClasses.keySet()));
                }
            }
            if (queryImages.isEmpty()) {
                problems.add(new FieldError("query/", "no query images: put them in query/ (or query/<class>/ when their "
                        + "classes are known)"));
            }
            if (firstLabelled != null && firstUnlabelled != null) {
                problems.add(new FieldError(firstUnlabelled, "is an unlabelled query (directly in query/) but "
                        + firstLabelled + " is labelled (in a class folder); queries are either all labelled or all not"));
            }
            List<String> classes = new ArrayList<>(supportClasses.keySet());
            List<Image> queries = new ArrayList<>();
            for (Pending q : queryImages) {
                int label = UNLABELLED;
                if (q.className() != null) {
                    label = classes.indexOf(q.className());
                    if (label < 0) {
                        if (!queryClassFolders.containsKey(q.className())) {
                            problems.add(new FieldError(q.entry(), "class '" + q.className() + "' is not a support class; "
                                    + "support has " + classes));
                            queryClassFolders.put(q.className(), q.entry());
                        }
                        continue;
                    }
                }
                queries.add(new Image(q.name(), label, q.pixels()));
            }
            if (!problems.isEmpty()) {
                throw new InvalidMessageException(problems);
            }
            List<Image> support = new ArrayList<>();
            for (int c = 0; c < classes.size(); c++) {
                List<Pending> images = new ArrayList<>(supportImages.get(classes.get(c)));
                images.sort(Comparator.comparing(Pending::name));
                for (Pending p : images) {
                    support.add(new Image(p.name(), c, p.pixels()));
                }
            }
            queries.sort(Comparator.comparing(Image::name));
            return new Task(channels, height, width, classes, support, queries, firstLabelled != null);
        }

        private void fail(String field, String message) {
            problems.add(new FieldError(field, message));
            throw new InvalidMessageException(problems);
        }
    }

    /** Why a name is unsafe to treat as a path, or null when it is fine. */
    static String pathTrick(String name) {
        if (name.isEmpty()) {
            return "has an empty name";
        }
        if (name.length() > MAX_NAME_CHARS) {
            return "has a name of " + name.length() + " characters, more than " + MAX_NAME_CHARS;
        }
        if (name.indexOf('\0') >= 0) {
            return "has a NUL character in its name";
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return "has a control character in its name";
            }
        }
        if (name.indexOf('\\') >= 0) {
            return "has a backslash in its name; zip entries use '/' between folders";
        }
        if (name.startsWith("/") || name.matches("(?s)^[A-Za-z]:.*")) {
            return "is an absolute path; entries must be relative (support/..., query/...)";
        }
        String path = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                return "has a '..' segment (a path leaving the task); entries must stay inside support/ and query/";
            }
            if (segment.equals(".")) {
                return "has a '.' segment; give plain relative names";
            }
            if (segment.isEmpty()) {
                return "has an empty folder name ('//')";
            }
        }
        return null;
    }

    private static boolean isJunk(List<String> segments) {
        if (segments.contains("__MACOSX")) {
            return true;
        }
        String last = segments.get(segments.size() - 1);
        return JUNK_FILES.contains(last.toLowerCase(Locale.ROOT)) || last.startsWith("._");
    }

    private static String className(String name) {
        if (name.length() > MAX_CLASS_CHARS) {
            return "has a class name of " + name.length() + " characters, more than " + MAX_CLASS_CHARS;
        }
        return null;
    }

    private static String notAnImage(DatasetFormatException e) {
        String message = e.getMessage();
        String prefix = e.file() + " at byte " + e.byteOffset() + ": ";
        String problem = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        return "is not a readable image: " + problem + (e.byteOffset() > 0 ? " (decoding failed at byte " + e.byteOffset()
                + ")" : "");
    }

    /** The name with anything unprintable shown as '?', for messages. */
    private static String printable(String name) {
        StringBuilder sb = new StringBuilder(Math.min(name.length(), MAX_NAME_CHARS + 3));
        for (int i = 0; i < name.length() && i < MAX_NAME_CHARS; i++) {
            char c = name.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        if (name.length() > MAX_NAME_CHARS) {
            sb.append("...");
        }
        return sb.toString();
    }
}
