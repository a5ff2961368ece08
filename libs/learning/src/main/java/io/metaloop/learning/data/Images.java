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
