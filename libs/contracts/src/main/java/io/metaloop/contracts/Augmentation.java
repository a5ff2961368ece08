package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The augmentations a job asks the data side to apply: {@code views} independently augmented
 * copies of every image, each made by running {@code steps} in order. Each copy is a function of
 * (seed, epoch or trial, example, view) alone, so it is identical on every replica and run.
 * A batch of B images with K views carries K·B images, view-major: block k holds view k of
 * images 0..B−1, labels repeated.
 *
 * <p>{@code preset} names a pipeline of the seed papers ({@link #PRESETS}); given alone it is
 * expanded into its steps, so a stored experiment keeps the exact steps it ran with.
 */
public record Augmentation(@JacksonInject(value = Json.ABSENT + "preset", useInput = OptBoolean.TRUE) String preset,
                           @JacksonInject(value = Json.ABSENT + "steps", useInput = OptBoolean.TRUE) List<AugmentStep> steps,
                           int views) {
    public static final int MAX_VIEWS = 64;

    /** The seed papers' training pipelines (seeds.md §2.3, §3). */
    public static final Map<String, List<AugmentStep>> PRESETS = Map.of(
            "none", List.of(),
            "flip", List.of(AugmentStep.of("horizontal-flip")),
            "crop-flip", List.of(AugmentStep.of("random-crop"), AugmentStep.of("horizontal-flip")),
            "simclr", List.of(
                    AugmentStep.of("random-resized-crop"),
                    AugmentStep.of("horizontal-flip"),
                    AugmentStep.of("color-jitter", "brightness", 0.8, "contrast", 0.8, "saturation", 0.8, "hue", 0.2,
                            "p", 0.8),
                    AugmentStep.of("grayscale", "p", 0.2)),
            "finetune", List.of(
                    AugmentStep.of("horizontal-flip"),
                    AugmentStep.of("random-affine", "degrees", 18, "translate", 0.1, "scaleMin", 0.9, "scaleMax", 1.1,
                            "shear", 10, "p", 0.5),
                    AugmentStep.of("cutout", "area", 0.25, "p", 0.5)));

    public static final Augmentation NONE = new Augmentation("none", List.of(), 1);

    public Augmentation {
        List<FieldError> errors = new ArrayList<>();
        if (preset != null && !PRESETS.containsKey(preset)) {
            errors.add(new FieldError("preset", "unknown preset '" + preset + "'; known: "
                    + new java.util.TreeSet<>(PRESETS.keySet())));
        }
        if (steps == null && preset == null) {
            errors.add(new FieldError("steps", "give steps, a preset, or both"));
        }
        if (views < 1 || views > MAX_VIEWS) {
            errors.add(new FieldError("views", "must be between 1 and " + MAX_VIEWS + ", got " + views));
        }
        if (steps != null) {
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i) == null) {
                    errors.add(new FieldError("steps[" + i + "]", "is null"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidMessageException(errors);
        }
        steps = List.copyOf(steps != null ? steps : PRESETS.get(preset));
    }

    public static Augmentation preset(String name, int views) {
        return new Augmentation(name, null, views);
    }

    /** True if the images pass through unchanged (one view, no steps). */
    @JsonIgnore
    public boolean isIdentity() {
        return views == 1 && steps.isEmpty();
    }
}
