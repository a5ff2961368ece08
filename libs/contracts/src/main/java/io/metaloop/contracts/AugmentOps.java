package io.metaloop.contracts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The augmentation operations a job may name, with the arguments each takes, their ranges and
 * defaults (torchvision's semantics and defaults, as used by the seed papers). Validation lives
 * here so that the gateway rejects a bad pipeline before any service sees it; the operations
 * themselves are implemented in {@code libs/datasets} (package {@code augment}).
 */
public final class AugmentOps {
    /** Default meaning "the image's own side" (sizes) or "side / 8" (crop padding). */
    public static final double FROM_IMAGE = Double.NaN;
    public static final int MAX_SIDE = 1024;

    /**
     * One argument.
     *
     * @param whole true if the value must be a whole number (pixel counts)
     */
    public record Arg(String name, double min, double max, double defaultValue, boolean whole, String meaning) {
    }

    public static final Map<String, List<Arg>> OPS = ops();

    private AugmentOps() {
    }

    private static Map<String, List<Arg>> ops() {
        Map<String, List<Arg>> ops = new LinkedHashMap<>();
        Arg size = new Arg("size", 1, MAX_SIDE, FROM_IMAGE, true, "output side in pixels; default the input's side");
        Arg p = new Arg("p", 0, 1, 1, false, "probability the step is applied");
        ops.put("random-crop", List.of(size,
                new Arg("padding", 0, MAX_SIDE, FROM_IMAGE, true, "zero padding on every border; default side/8")));
        ops.put("horizontal-flip", List.of(new Arg("p", 0, 1, 0.5, false, "probability of a flip")));
        ops.put("random-resized-crop", List.of(size,
                new Arg("scaleMin", 0, 1, 0.08, false, "smallest crop area, as a fraction of the image"),
                new Arg("scaleMax", 0, 1, 1.0, false, "largest crop area, as a fraction of the image"),
                new Arg("ratioMin", 0.01, 100, 3.0 / 4.0, false, "smallest width/height ratio"),
                new Arg("ratioMax", 0.01, 100, 4.0 / 3.0, false, "largest width/height ratio")));
        ops.put("color-jitter", List.of(
                new Arg("brightness", 0, 10, 0, false, "factor drawn from [max(0, 1-b), 1+b]"),
                new Arg("contrast", 0, 10, 0, false, "factor drawn from [max(0, 1-c), 1+c]"),
                new Arg("saturation", 0, 10, 0, false, "factor drawn from [max(0, 1-s), 1+s]"),
                new Arg("hue", 0, 0.5, 0, false, "hue shift drawn from [-h, h], in turns"),
                p));
        ops.put("grayscale", List.of(new Arg("p", 0, 1, 0.1, false, "probability of replacing the image by its luma")));
        ops.put("resize", List.of(new Arg("size", 1, MAX_SIDE, FROM_IMAGE, true, "side of the shorter edge after resizing")));
        ops.put("center-crop", List.of(size));
        ops.put("random-affine", List.of(
                new Arg("degrees", 0, 180, 0, false, "rotation drawn from [-d, d] degrees"),
                new Arg("translate", 0, 1, 0, false, "shift drawn from [-t, t] of the width and height"),
                new Arg("scaleMin", 0.01, 10, 1, false, "smallest zoom"),
                new Arg("scaleMax", 0.01, 10, 1, false, "largest zoom"),
                new Arg("shear", 0, 89, 0, false, "horizontal shear drawn from [-s, s] degrees"),
                p));
        ops.put("cutout", List.of(
                new Arg("area", 0, 1, 0.25, false, "area of the erased square, as a fraction of the image"),
                new Arg("fill", 0, 255, 0, true, "value written into the square"),
                new Arg("p", 0, 1, 0.5, false, "probability of erasing")));
        return java.util.Collections.unmodifiableMap(ops);
    }

    /** Problems with one step's op and arguments, each naming its field ({@code op}, {@code args.<name>}). */
    static List<FieldError> check(String op, Map<String, Double> args) {
        List<FieldError> errors = new java.util.ArrayList<>();
        if (op == null) {
            errors.add(new FieldError("op", "is required"));
            return errors;
        }
        List<Arg> known = OPS.get(op);
        if (known == null) {
            errors.add(new FieldError("op", "unknown augmentation '" + op + "'; known: " + OPS.keySet()));
            return errors;
        }
        for (Map.Entry<String, Double> e : args.entrySet()) {
            String field = "args." + e.getKey();
            Arg arg = known.stream().filter(a -> a.name().equals(e.getKey())).findFirst().orElse(null);
            Double value = e.getValue();
            if (arg == null) {
                errors.add(new FieldError(field, "'" + op + "' takes " + known.stream().map(Arg::name).toList()));
            } else if (value == null || !(value >= arg.min() && value <= arg.max())) {
                errors.add(new FieldError(field, "must be in [" + arg.min() + ", " + arg.max() + "], got " + value));
            } else if (arg.whole() && value != Math.rint(value)) {
                errors.add(new FieldError(field, "must be a whole number, got " + value));
            }
        }
        for (String[] pair : List.of(new String[] {"scaleMin", "scaleMax"}, new String[] {"ratioMin", "ratioMax"})) {
            if (known.stream().anyMatch(a -> a.name().equals(pair[0])) && errors.isEmpty()
                    && value(op, args, pair[0]) > value(op, args, pair[1])) {
                errors.add(new FieldError("args." + pair[0], "must not exceed " + pair[1]));
            }
        }
        return errors;
    }

    /** An argument's value in a step, or its default ({@link #FROM_IMAGE} if it depends on the image). */
    public static double value(String op, Map<String, Double> args, String name) {
        Double given = args.get(name);
        if (given != null) {
            return given;
        }
        return OPS.get(op).stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + op + "' has no argument '" + name + "'"))
                .defaultValue();
    }
}
