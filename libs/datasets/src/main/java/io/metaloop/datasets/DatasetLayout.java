package io.metaloop.datasets;

import java.util.List;

/** The shape every image of a dataset has after import, and its label levels (level 0 = primary). */
public record DatasetLayout(int channels, int height, int width, List<LabelLevel> levels) {
    public DatasetLayout {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("bad image shape " + channels + "×" + height + "×" + width);
        }
        levels = List.copyOf(levels);
        if (levels.isEmpty()) {
            throw new IllegalArgumentException("a dataset needs at least one label level");
        }
    }

    public int imageBytes() {
        return channels * height * width;
    }
}
