package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;

/**
 * A dataset as the catalogue describes it: image shape, label levels and split sizes.
 * dataset-service serves it; the gateway copies it into each {@link TrainJob} so a trainer knows
 * the model's input and output sizes without opening dataset files.
 *
 * @param levels the label levels, primary first: each with its class names (label i is
 *               {@code classes.get(i)}); further levels are a hierarchy over the same images
 * @param splits split name → number of images
 */
public record DatasetInfo(String name, int channels, int height, int width, List<Level> levels,
                          Map<String, Long> splits) {
    /** One label level: its name and class names. */
    public record Level(String name, List<String> classes) {
        public Level {
            Messages.require("name", name);
            Messages.require("classes", classes);
            classes = List.copyOf(classes);
        }
    }

    public DatasetInfo {
        Messages.require("name", name);
        Messages.require("levels", levels);
        Messages.require("splits", splits);
        levels = List.copyOf(levels);
        splits = Map.copyOf(splits);
        if (levels.isEmpty()) {
            throw new InvalidMessageException("levels", "a dataset needs at least one label level");
        }
        if (channels < 1 || height < 1 || width < 1) {
            throw new InvalidMessageException("channels", "image shape must be positive, got " + channels + "×" + height + "×" + width);
        }
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
}
