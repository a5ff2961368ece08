package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A dataset as the catalogue describes it: image shape, label levels, split sizes and, per split,
 * its class statistics. dataset-service serves it; the gateway copies it into each {@link TrainJob}
 * so a trainer knows the model's input and output sizes without opening dataset files.
 *
 * @param levels       the label levels, primary first: each with its class names (label i is
 *                     {@code classes.get(i)}); further levels are a hierarchy over the same images
 * @param splits       split name → number of images
 * @param splitClasses split name → the split's primary-level class statistics; a split is absent
 *                     when its statistics are unknown (a dataset imported before they were
 *                     recorded). Optional when reading; never null (absent reads as empty).
 */
public record DatasetInfo(String name, int channels, int height, int width, List<Level> levels,
                          Map<String, Long> splits,
                          @JacksonInject(value = Json.ABSENT + "splitClasses", useInput = OptBoolean.TRUE)
                          Map<String, SplitClasses> splitClasses) {
    /** One label level: its name and class names. */
    public record Level(String name, List<String> classes) {
        public Level {
            Messages.require("name", name);
            Messages.require("classes", classes);
            classes = List.copyOf(classes);
        }
    }

    /**
     * The primary-level classes of one split. Images without a label (label -1, e.g. STL-10's
     * unlabeled split) belong to no class.
     *
     * @param classes       number of distinct classes with at least one image in the split
     * @param smallestClass number of images of the split's smallest such class; 0 when the split
     *                      has no labelled image (then {@code classes} is 0 too)
     * @throws InvalidMessageException if a count is negative, or only one of the two is 0
     */
    public record SplitClasses(int classes, int smallestClass) {
        public SplitClasses {
            if (classes < 0 || smallestClass < 0) {
                throw new InvalidMessageException("classes", "class counts cannot be negative, got classes=" + classes
                        + ", smallestClass=" + smallestClass);
            }
            if ((classes == 0) != (smallestClass == 0)) {
                throw new InvalidMessageException("smallestClass", "a split with " + classes
                        + " classes cannot have a smallest class of " + smallestClass + " images");
            }
        }
    }

    /**
     * @throws InvalidMessageException if a required field is missing, there is no label level, the
     *                                 image shape is not positive, or {@code splitClasses} names a
     *                                 split that {@code splits} lacks
     */
    public DatasetInfo {
        Messages.require("name", name);
        Messages.require("levels", levels);
        Messages.require("splits", splits);
        levels = List.copyOf(levels);
        splits = Map.copyOf(splits);
        splitClasses = splitClasses == null ? Map.of() : Map.copyOf(splitClasses);
        if (levels.isEmpty()) {
            throw new InvalidMessageException("levels", "a dataset needs at least one label level");
        }
        if (channels < 1 || height < 1 || width < 1) {
            throw new InvalidMessageException("channels", "image shape must be positive, got " + channels + "×" + height + "×" + width);
        }
        for (String split : splitClasses.keySet()) {
            if (!splits.containsKey(split)) {
                throw new InvalidMessageException("splitClasses", "split '" + split + "' is not among the splits "
                        + splits.keySet());
            }
        }
    }

    /** A dataset whose per-split class statistics are unknown ({@code splitClasses} empty). */
    public DatasetInfo(String name, int channels, int height, int width, List<Level> levels, Map<String, Long> splits) {
        this(name, channels, height, width, levels, splits, Map.of());
    }

    /** The primary level's class names. */
    @JsonIgnore
    public List<String> classes() {
        return levels.get(0).classes();
    }

    @JsonIgnore
    public int labelLevels() {
        return levels.size();
    }

    /**
     * Whether a split is known to have no labelled image (STL-10's {@code unlabeled}, labels −1):
     * such a split may pre-train a self-supervised method but never train or test a classifier.
     * False when the split's class statistics are unknown.
     */
    public boolean isUnlabelled(String split) {
        SplitClasses stats = splitClasses.get(split);
        return stats != null && stats.classes() == 0;
    }

    /**
     * Why a split cannot fill few-shot episodes of {@code ways} classes with {@code shots} support
     * and {@code queries} query images each, if it is known not to: the split does not exist, it has
     * fewer classes than {@code ways}, or its smallest class has fewer than {@code shots + queries}
     * images (an episode may draw any class, so every class must hold that many). Several problems
     * are joined with "; ".
     *
     * @param split   split name, e.g. "test"
     * @param ways    classes per episode, at least 1
     * @param shots   support images per class, at least 1
     * @param queries query images per class, at least 0
     * @return a message for people, e.g. "split 'test' has 424 classes, fewer than ways=500"; empty
     *         when the split can fill such episodes, or when its class statistics are unknown
     * @throws IllegalArgumentException if split is null, ways or shots is below 1, or queries below 0
     */
    public Optional<String> episodeProblem(String split, int ways, int shots, int queries) {
        if (split == null) {
            throw new IllegalArgumentException("split is required");
        }
        if (ways < 1 || shots < 1 || queries < 0) {
            throw new IllegalArgumentException("need ways >= 1, shots >= 1, queries >= 0, got ways=" + ways
                    + ", shots=" + shots + ", queries=" + queries);
        }
        if (!splits.containsKey(split)) {
            return Optional.of("dataset '" + name + "' has no split '" + split + "'; it has "
                    + splits.keySet().stream().sorted().toList());
        }
        SplitClasses stats = splitClasses.get(split);
        if (stats == null) {
            return Optional.empty();
        }
        List<String> problems = new ArrayList<>();
        if (stats.classes() < ways) {
            problems.add("split '" + split + "' has " + stats.classes() + (stats.classes() == 1 ? " class" : " classes")
                    + ", fewer than ways=" + ways);
        }
        long perClass = (long) shots + queries;
        if (stats.classes() > 0 && stats.smallestClass() < perClass) {
            problems.add("split '" + split + "' has at most " + stats.smallestClass()
                    + (stats.smallestClass() == 1 ? " image" : " images") + " in its smallest class, fewer than shots+queries="
                    + perClass);
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }
}
