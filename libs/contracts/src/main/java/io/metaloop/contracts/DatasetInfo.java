package io.metaloop.contracts;

import java.util.List;
import java.util.Map;

/**
 * A dataset as the catalogue describes it: image shape, class names and split sizes.
 * dataset-service serves it; the gateway copies it into each {@link TrainJob} so a trainer knows
 * the model's input and output sizes without opening dataset files.
 *
 * @param labelLevels labels per image (1 unless the dataset has a label hierarchy)
 * @param classes     names of the primary (level-0) classes; label i is {@code classes.get(i)}
 * @param splits      split name → number of images
 */
public record DatasetInfo(String name, int channels, int height, int width, int labelLevels, List<String> classes,
                          Map<String, Long> splits) {
    public DatasetInfo {
        Messages.require("name", name);
        Messages.require("classes", classes);
        Messages.require("splits", splits);
        classes = List.copyOf(classes);
        splits = Map.copyOf(splits);
        if (channels < 1 || height < 1 || width < 1) {
            throw new InvalidMessageException("channels", "image shape must be positive, got " + channels + "×" + height + "×" + width);
        }
    }
}
