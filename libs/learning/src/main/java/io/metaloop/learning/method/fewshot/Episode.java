package io.metaloop.learning.method.fewshot;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.Normalization;
import io.metaloop.learning.data.Images;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One N-way K-shot Q-query episode as network inputs: the support set [N·K, C, H, W] and the query
 * set [N·Q, C, H, W], each way by way (rows w·K … w·K+K−1 of the support are way w), pixels scaled to
 * [0, 1] (and normalised if asked), with the way (0 … N−1) of every row as its label. A user's own
 * task may have different numbers of support images per way ({@code shots} is then the largest)
 * and queries without labels (−1): learners go by the labels, not by the layout.
 */
public record Episode(int ways, int shots, int queries, INDArray support, int[] supportLabels, INDArray query,
                      int[] queryLabels) {

    /** The shape of an episode. */
    public record Shape(int ways, int shots, int queries) {
        public Shape {
            if (ways < 1 || shots < 1 || queries < 0) {
                throw new IllegalArgumentException("bad episode shape: ways=" + ways + " shots=" + shots + " queries=" + queries);
            }
        }

        public int images() {
            return ways * (shots + queries);
        }
    }

    public Shape shape() {
        return new Shape(ways, shots, queries);
    }

    /**
     * Cuts a frame of consecutive episodes (one episode-sampler frame, or a meta-batch of them
     * concatenated) into episodes. Each block holds the support images way by way, then the query
     * images way by way, with the way as label level 0 (the layout of {@code EpisodeRequest}).
     *
     * @throws IllegalArgumentException when the frame is not a whole number of episodes of this
     *                                  shape, or a label is not the way its row should hold
     */
    public static List<Episode> split(BatchFrame frame, Shape shape, DataType dataType, Normalization normalization) {
        int per = shape.images();
        if (frame.count() == 0 || frame.count() % per != 0) {
            throw new IllegalArgumentException("a frame of " + frame.count() + " images is not a whole number of "
                    + shape.ways() + "-way " + shape.shots() + "-shot " + shape.queries() + "-query episodes (" + per + " images each)");
        }
        INDArray images = Images.toTensor(frame, dataType, normalization);
        int[] ways = Images.labels(frame, 0);
        List<Episode> out = new ArrayList<>();
        int supportRows = shape.ways() * shape.shots();
        for (int start = 0; start < frame.count(); start += per) {
            int[] supportLabels = new int[supportRows];
            int[] queryLabels = new int[per - supportRows];
            for (int i = 0; i < per; i++) {
                int expected = i < supportRows ? i / shape.shots() : (i - supportRows) / shape.queries();
                if (ways[start + i] != expected) {
                    throw new IllegalArgumentException("image " + (start + i) + " of the frame has way " + ways[start + i]
                            + " where the episode layout puts way " + expected);
                }
                if (i < supportRows) {
                    supportLabels[i] = expected;
                } else {
                    queryLabels[i - supportRows] = expected;
                }
            }
            INDArray support = images.get(NDArrayIndex.interval(start, start + supportRows)).dup();
            INDArray query = images.get(NDArrayIndex.interval(start + supportRows, start + per)).dup();
            out.add(new Episode(shape.ways(), shape.shots(), shape.queries(), support, supportLabels, query, queryLabels));
        }
        return out;
    }
}
