package io.metaloop.learning.data;

import io.metaloop.contracts.frame.BatchFrame;
import java.util.List;

/**
 * A meta-batch as one frame: E episode frames one after another, so that few-shot methods go
 * through the same training loop, prefetching and data-wait measurement as batch-trained ones.
 */
public final class MetaBatches {
    private MetaBatches() {
    }

    /**
     * The episodes' images and labels in order, as step {@code index} of {@code epoch}.
     *
     * @throws IllegalArgumentException when the episodes differ in image shape or label levels
     */
    public static BatchFrame concat(List<BatchFrame> episodes, int epoch, long index, long epochBatches) {
        if (episodes.isEmpty()) {
            throw new IllegalArgumentException("a meta-batch needs at least one episode");
        }
        BatchFrame first = episodes.get(0);
        int count = 0;
        for (BatchFrame e : episodes) {
            if (e.channels() != first.channels() || e.height() != first.height() || e.width() != first.width()
                    || e.labelLevels() != first.labelLevels()) {
                throw new IllegalArgumentException("episode " + e.batchIndex() + " is " + e + ", unlike " + first);
            }
            count += e.count();
        }
        byte[] pixels = new byte[count * first.imageBytes()];
        int[] labels = new int[count * first.labelLevels()];
        int pixelAt = 0;
        int labelAt = 0;
        for (BatchFrame e : episodes) {
            System.arraycopy(e.pixels(), 0, pixels, pixelAt, e.pixels().length);
            System.arraycopy(e.labels(), 0, labels, labelAt, e.labels().length);
            pixelAt += e.pixels().length;
            labelAt += e.labels().length;
        }
        return new BatchFrame(epoch, index, epochBatches, count, first.channels(), first.height(), first.width(),
                first.labelLevels(), pixels, labels);
    }
}
