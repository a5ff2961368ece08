package io.metaloop.datasets;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.datasets.augment.Augmenter;
import java.util.stream.IntStream;

/** Cuts an epoch of a split into batches. */
public final class Batches {
    private Batches() {
    }

    /** Batches in an epoch of {@code examples} images. */
    public static long count(long examples, int batchSize, boolean dropLast) {
        return dropLast ? examples / batchSize : (examples + batchSize - 1) / batchSize;
    }

    /**
     * Batch {@code index} of an epoch.
     *
     * @param order the epoch's example order, or null for the stored order
     */
    public static BatchFrame assemble(ShardedSplit data, int[] order, int epoch, long index, int batchSize, boolean dropLast) {
        long total = count(data.count(), batchSize, dropLast);
        if (index < 0 || index >= total) {
            throw new IllegalArgumentException("batch " + index + " is outside the epoch's " + total + " batches");
        }
        int from = (int) (index * batchSize);
        int n = Math.min(batchSize, data.count() - from);
        int imageBytes = data.imageBytes();
        int levels = data.labelLevels();
        byte[] pixels = new byte[n * imageBytes];
        int[] labels = new int[n * levels];
        for (int k = 0; k < n; k++) {
            int example = order == null ? from + k : order[from + k];
            data.copy(example, pixels, k * imageBytes, labels, k * levels);
        }
        return new BatchFrame(epoch, index, total, n, data.channels(), data.height(), data.width(), levels, pixels, labels);
    }

    /**
     * Batch {@code index} of an epoch with {@code augmenter}'s views: view k of the batch's images
     * fills rows k·n … k·n+n−1 (view-major), labels repeated per view. Images are augmented in
     * parallel; each is a function of (seed, epoch, example, view) so the order of work is irrelevant.
     */
    public static BatchFrame assemble(ShardedSplit data, int[] order, int epoch, long index, int batchSize, boolean dropLast,
                                      Augmenter augmenter, long seed) {
        BatchFrame plain = assemble(data, order, epoch, index, batchSize, dropLast);
        if (augmenter.isIdentity()) {
            return plain;
        }
        int from = (int) (index * batchSize);
        int[] examples = new int[plain.count()];
        for (int k = 0; k < examples.length; k++) {
            examples[k] = order == null ? from + k : order[from + k];
        }
        return augment(plain, examples, augmenter, seed, epoch);
    }

    /**
     * The views of every image of {@code frame}, view-major. {@code examples[i]} is image i's index
     * in its split and {@code round} the epoch or trial, which with the seed and view key the draws.
     */
    public static BatchFrame augment(BatchFrame frame, int[] examples, Augmenter augmenter, long seed, long round) {
        int n = frame.count();
        int views = augmenter.views();
        int[] shape = augmenter.outputShape();
        int outBytes = augmenter.outputBytes();
        byte[] pixels = new byte[n * views * outBytes];
        IntStream.range(0, n * views).parallel().forEach(j -> {
            int view = j / n;
            int image = j % n;
            augmenter.augment(frame.pixels(), image * frame.imageBytes(), seed, round, examples[image], view, pixels,
                    j * outBytes);
        });
        int levels = frame.labelLevels();
        int[] labels = new int[n * views * levels];
        for (int v = 0; v < views; v++) {
            System.arraycopy(frame.labels(), 0, labels, v * n * levels, n * levels);
        }
        return new BatchFrame(frame.epoch(), frame.batchIndex(), frame.epochBatches(), n * views, shape[0], shape[1],
                shape[2], levels, pixels, labels);
    }
}
