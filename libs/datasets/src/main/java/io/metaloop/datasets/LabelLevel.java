package io.metaloop.datasets;

import java.util.List;

/**
 * One level of a dataset's labels: its name and its class names (label i is {@code classes.get(i)}).
 * Level 0 is the primary label; further levels are coarser or alternative labels of the same
 * images, e.g. CIFAR-100's fine (100), coarse (20), and MAXL's 10- and 3-class groupings.
 */
public record LabelLevel(String name, List<String> classes) {
    public LabelLevel {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a label level needs a name");
        }
        classes = List.copyOf(classes);
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("label level '" + name + "' has no classes");
        }
    }
}
