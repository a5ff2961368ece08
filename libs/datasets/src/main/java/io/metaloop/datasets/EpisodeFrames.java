package io.metaloop.datasets;

import io.metaloop.contracts.frame.BatchFrame;

/**
 * An episode of an in-memory split as the frame episode-sampler sends for it (the layout of
 * {@code EpisodeRequest}): support images way by way, then query images way by way, each labelled
 * (way, class). For benchmarks and tests that run episodes without the services.
 */
public final class EpisodeFrames {
    private EpisodeFrames() {
    }

    /** The primary label of every image of a split. */
    public static int[] primaryLabels(SplitData data) {
        int[] labels = new int[data.count()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = data.labels()[i * data.labelLevels()];
        }
        return labels;
    }

    /** The episode's frame; its batch index is the trial. */
    public static BatchFrame frame(SplitData data, Episodes.Episode e) {
        int ways = e.classes().length;
        int count = ways * (e.support()[0].length + e.query()[0].length);
        int size = data.imageBytes();
        byte[] pixels = new byte[count * size];
        int[] labels = new int[count * 2];
        int at = 0;
        for (int[][] part : new int[][][] {e.support(), e.query()}) {
            for (int way = 0; way < ways; way++) {
                for (int example : part[way]) {
                    System.arraycopy(data.pixels(), example * size, pixels, at * size, size);
                    labels[2 * at] = way;
                    labels[2 * at + 1] = e.classes()[way];
                    at++;
                }
            }
        }
        return new BatchFrame(0, e.trial(), 0, count, data.channels(), data.height(), data.width(), 2, pixels, labels);
    }

    /** The split indices of the episode's images in frame order. */
    public static int[] examples(Episodes.Episode e) {
        return java.util.stream.Stream.of(e.support(), e.query())
                .flatMap(java.util.Arrays::stream).flatMapToInt(java.util.Arrays::stream).toArray();
    }
}
