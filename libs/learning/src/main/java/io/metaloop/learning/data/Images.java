package io.metaloop.learning.data;

import io.metaloop.contracts.frame.BatchFrame;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Turns uint8 batches into network inputs. */
public final class Images {
    private Images() {
    }

    /** Pixels scaled to [0, 1], shape [count, channels, height, width]. */
    public static INDArray toTensor(BatchFrame frame, DataType dataType) {
        byte[] pixels = frame.pixels();
        float[] values = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            values[i] = (pixels[i] & 0xFF) * (1f / 255f);
        }
        INDArray images = Nd4j.create(values, new long[] {frame.count(), frame.channels(), frame.height(), frame.width()}, 'c');
        return dataType == DataType.FLOAT ? images : images.castTo(dataType);
    }

    /**
     * Pixels scaled to [0, 1], then normalised per channel, (x − mean[c]) / std[c], as PyTorch's
     * Normalize after ToTensor; no normalisation when {@code normalization} is null.
     *
     * @throws IllegalArgumentException when the normalisation has another number of channels than the images
     */
    public static INDArray toTensor(BatchFrame frame, DataType dataType, io.metaloop.contracts.spec.Normalization normalization) {
        INDArray images = toTensor(frame, DataType.FLOAT);
        if (normalization != null) {
            if (normalization.channels() != frame.channels()) {
                throw new IllegalArgumentException("normalize has " + normalization.channels() + " channels, the images "
                        + frame.channels());
            }
            for (int c = 0; c < frame.channels(); c++) {
                INDArray channel = images.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(c), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.all());
                channel.subi(normalization.mean().get(c)).divi(normalization.std().get(c));
            }
        }
        return dataType == DataType.FLOAT ? images : images.castTo(dataType);
    }

    /** Labels at one level of the hierarchy (0 = primary). */
    public static int[] labels(BatchFrame frame, int level) {
        if (level >= frame.labelLevels()) {
            throw new IllegalArgumentException("batch has " + frame.labelLevels() + " label levels, asked for level " + level);
        }
        int[] labels = new int[frame.count()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = frame.label(i, level);
        }
        return labels;
    }
}
