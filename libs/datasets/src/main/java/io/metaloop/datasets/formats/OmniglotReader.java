package io.metaloop.datasets.formats;

import io.metaloop.datasets.Archive;
import io.metaloop.datasets.DatasetFormatException;
import io.metaloop.datasets.DatasetLayout;
import io.metaloop.datasets.DatasetReader;
import io.metaloop.datasets.ImageSink;
import io.metaloop.datasets.LabelLevel;
import io.metaloop.datasets.ReadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Omniglot (Lake, Salakhutdinov &amp; Tenenbaum, Science 2015) as its authors publish it:
 * {@code images_background.zip}, {@code images_evaluation.zip} and the small sets
 * {@code images_background_small1.zip}, {@code images_background_small2.zip}, each holding
 * {@code <top folder>/<alphabet>/<characterNN>/<NNNN_MM>.png} (105×105 1-bit PNGs, white background,
 * black strokes: after import background 255, strokes 0).
 *
 * <p>The source may be one of those zips, a folder one of them unpacks to (with or without its top
 * folder), or a folder holding several of the zips (every {@code .zip} directly inside it is read,
 * in name order, together with any PNGs in the folder's tree). The same image found twice (the small
 * sets both contain the Greek and Latin alphabets of {@code images_background}, byte for byte) is
 * read once; the same alphabet/character/file with different content is an error.
 *
 * <p>Output: grey, {@code side×side} with side = {@code options.imageSize()}, or the images' own size
 * (105) when that is 0; one label level {@value #LEVEL} whose classes are {@code <alphabet>/<characterNN>},
 * ordered by alphabet, then character (each compared with {@link String#compareTo}); one split
 * {@value #SPLIT} (to divide the classes into few-shot splits, e.g. by alphabet, import with
 * {@link io.metaloop.datasets.ReadOptions#classSplits()}, see {@link io.metaloop.datasets.ClassSplits}; to divide
 * every class's drawers between train and test, with {@link io.metaloop.datasets.ReadOptions#testShare()}, see
 * {@link io.metaloop.datasets.TestShareSplits}); images of a class in file-name order (drawer order), class
 * after class.
 *
 * <p>With {@code options.rotations()}, each character is followed by three more classes, the same
 * images rotated counter-clockwise by 90°, 180° and 270° (see
 * {@link ImageDecoding#rotateCounterClockwise}), named {@code <alphabet>/<characterNN>/rot90},
 * {@code /rot180}, {@code /rot270}: character c's rotation r (r = 0..3) has label {@code 4c + r}.
 */
public final class OmniglotReader implements DatasetReader {
    public static final String FORMAT = "omniglot";
    public static final String LEVEL = "character";
    public static final String SPLIT = "all";
    /** Class-name suffixes of rotation r = 0..3 (counter-clockwise quarter turns). */
    public static final List<String> ROTATION_SUFFIXES = List.of("", "/rot90", "/rot180", "/rot270");

    @Override
    public String format() {
        return FORMAT;
    }

    /** One image file: its bytes and where it came from. */
    private record Found(byte[] bytes, String where) {
    }

    @Override
    public void read(Path source, ReadOptions options, ImageSink sink) throws IOException {
        TreeMap<String, TreeMap<String, TreeMap<String, Found>>> alphabets = new TreeMap<>();
        for (Path input : inputs(source)) {
            collect(input, options, alphabets);
        }
        if (alphabets.isEmpty()) {
            throw new DatasetFormatException(source.toString(), 0,
                    "no alphabets found: expected <alphabet>/<characterNN>/<NNNN_MM>.png images");
        }
        List<String> characters = new ArrayList<>();
        List<List<Found>> images = new ArrayList<>();
        for (var alphabet : alphabets.entrySet()) {
            for (var character : alphabet.getValue().entrySet()) {
                characters.add(alphabet.getKey() + "/" + character.getKey());
                images.add(List.copyOf(character.getValue().values()));
            }
        }
        int side = options.imageSize() > 0 ? options.imageSize() : nativeSide(images);
        int turns = options.rotations() ? 4 : 1;
        List<String> classes = new ArrayList<>();
        for (String character : characters) {
            for (int r = 0; r < turns; r++) {
                classes.add(character + ROTATION_SUFFIXES.get(r));
            }
        }
        sink.layout(new DatasetLayout(1, side, side, List.of(new LabelLevel(LEVEL, classes))));
        for (int c = 0; c < characters.size(); c++) {
            List<ImageDecoding.Pixels> decoded = new ArrayList<>();
            for (Found f : images.get(c)) {
                decoded.add(ImageDecoding.decodeSquare(f.bytes(), 1, side, f.where()));
            }
            for (int r = 0; r < turns; r++) {
                for (ImageDecoding.Pixels p : decoded) {
                    sink.image(SPLIT, ImageDecoding.rotateCounterClockwise(p, r).pixels(), new int[] {c * turns + r});
                }
            }
        }
    }

    /** With no image size asked for, every image must have the same square size. */
    private static int nativeSide(List<List<Found>> images) {
        ImageDecoding.Size first = null;
        String firstWhere = null;
        for (List<Found> character : images) {
            for (Found f : character) {
                ImageDecoding.Size s = ImageDecoding.size(f.bytes(), f.where());
                if (first == null) {
                    if (s.width() != s.height()) {
                        throw new DatasetFormatException(f.where(), 0, "is " + s.width() + "×" + s.height()
                                + ", not square; give an image size to resize to");
                    }
                    first = s;
                    firstWhere = f.where();
                } else if (!s.equals(first)) {
                    throw new DatasetFormatException(f.where(), 0, "is " + s.width() + "×" + s.height() + " but "
                            + firstWhere + " is " + first.width() + "×" + first.height()
                            + "; give an image size to resize to");
                }
            }
        }
        return first.width();
    }

    /** The zips directly inside a folder (sorted by name), then the folder itself; or the source alone. */
    private static List<Path> inputs(Path source) throws IOException {
        if (!Files.isDirectory(source)) {
            return List.of(source);
        }
        List<Path> inputs = new ArrayList<>();
        try (Stream<Path> list = Files.list(source)) {
            list.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip"))
                    .sorted().forEach(inputs::add);
        }
        inputs.add(source);
        return inputs;
    }

    private static void collect(Path input, ReadOptions options, TreeMap<String, TreeMap<String, TreeMap<String, Found>>> alphabets)
            throws IOException {
        Archive archive = SourceFiles.open(input, options);
        Set<String> names = SourceFiles.allNames(input, archive);
        Set<String> wanted = new HashSet<>();
        Set<String> alphabetFolders = new HashSet<>();
        Set<String> characterFolders = new HashSet<>();
        for (String name : names) {
            if (!name.toLowerCase(Locale.ROOT).endsWith(".png") || SourceFiles.ignored(name)) {
                continue;
            }
            String[] parts = SourceFiles.parts(name);
            if (parts.length < 3) {
                continue; // an image outside any <alphabet>/<character>/ folder is not part of the dataset
            }
            wanted.add(name);
            String characterFolder = name.substring(0, name.lastIndexOf('/') + 1);
            characterFolders.add(characterFolder);
            alphabetFolders.add(parent(characterFolder));
        }
        for (String name : names) {
            if (name.endsWith("/") && !SourceFiles.ignored(name) && alphabetFolders.contains(parent(name))
                    && !characterFolders.contains(name)) {
                throw new DatasetFormatException(SourceFiles.where(input, name), 0,
                        "character folder has no images (expected <NNNN_MM>.png files)");
            }
        }
        Map<String, byte[]> bytes = SourceFiles.read(archive, wanted);
        for (String name : wanted) {
            byte[] b = bytes.get(name);
            String where = SourceFiles.where(input, name);
            if (b == null) {
                throw new DatasetFormatException(where, 0, "listed but could not be read");
            }
            String[] parts = SourceFiles.parts(name);
            String alphabet = parts[parts.length - 3];
            String character = parts[parts.length - 2];
            String file = parts[parts.length - 1];
            Found previous = alphabets.computeIfAbsent(alphabet, a -> new TreeMap<>())
                    .computeIfAbsent(character, c -> new TreeMap<>())
                    .putIfAbsent(file, new Found(b, where));
            if (previous != null && !Arrays.equals(previous.bytes(), b)) {
                throw new DatasetFormatException(where, 0, "differs from " + previous.where()
                        + ", the same alphabet/character/file in another Omniglot set");
            }
        }
    }

    /** "a/b/c/" → "a/b/"; "a/" → "". */
    private static String parent(String folder) {
        String trimmed = folder.substring(0, folder.length() - 1);
        int slash = trimmed.lastIndexOf('/');
        return slash < 0 ? "" : trimmed.substring(0, slash + 1);
    }
}
