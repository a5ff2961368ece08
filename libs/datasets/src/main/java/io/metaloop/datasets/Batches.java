package io.metaloop.datasets;

import io.metaloop.contracts.frame.BatchFrame;

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
    public static BatchFrame assemble(SplitData data, int[] order, int epoch, long index, int batchSize, boolean dropLast) {
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
            System.arraycopy(data.pixels(), example * imageBytes, pixels, k * imageBytes, imageBytes);
            System.arraycopy(data.labels(), example * levels, labels, k * levels, levels);
        }
        return new BatchFrame(epoch, index, total, n, data.channels(), data.height(), data.width(), levels, pixels, labels);
    }
}
