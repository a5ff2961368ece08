package io.metaloop.learning.method.fewshot;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.datasets.EpisodeFrames;
import io.metaloop.datasets.Episodes;
import io.metaloop.datasets.InMemoryDataset;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.datasets.SplitData;
import io.metaloop.datasets.formats.OmniglotReader;
import io.metaloop.learning.BundledData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Real episodes for tests: the bundled Omniglot at 28 px with rotations as classes, divided by
 * alphabet with the bundled split file (train / val / test alphabets), framed as episode-sampler
 * frames them (support way by way, then queries; labels way, class).
 */
final class OmniglotEpisodes {
    private static Map<String, SplitData> splits;

    private OmniglotEpisodes() {
    }

    static synchronized SplitData split(String name) {
        if (splits == null) {
            InMemoryDataset data = new InMemoryDataset();
            try {
                io.metaloop.datasets.DatasetFormats.read(OmniglotReader.FORMAT, BundledData.omniglot(),
                        ReadOptions.DEFAULTS.withImageSize(28).withRotations(true)
                                .withClassSplits(BundledData.omniglot().resolve("alphabet-splits.json")), data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            splits = data.splits();
        }
        return splits.get(name);
    }

    /** Trial {@code trial} of a split's episodes with {@code seed}, as one frame. */
    static BatchFrame frame(String split, long seed, long trial, int ways, int shots, int queries) {
        SplitData data = split(split);
        int[] labels = EpisodeFrames.primaryLabels(data);
        int classes = java.util.Arrays.stream(labels).max().orElse(0) + 1;
        return EpisodeFrames.frame(data, new Episodes(labels, classes).episode(seed, trial, ways, shots, queries));
    }
}
