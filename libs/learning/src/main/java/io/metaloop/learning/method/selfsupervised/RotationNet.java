package io.metaloop.learning.method.selfsupervised;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.learning.data.Images;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Linear;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.Sequential;
import io.metaloop.learning.nn.SoftmaxCrossEntropy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * RotationNet (Gidaris et al. 2018) as the relational-reasoning seed runs it (seeds.md §2.6):
 * every batch of B images is replicated at 0°, 90°, 180° and 270° ({@code torch.rot90} over
 * height and width, counter-clockwise), block r holding rotation r of images 0..B−1 with target
 * r; Linear(F → 4) and cross-entropy. Square images only (a quarter turn must keep the shape).
 */
public final class RotationNet extends SelfSupervisedMethod {
    public static final String NAME = "rotation";
    public static final int ROTATIONS = 4;

    private RotationNet(ModelSpec encoder, int features, ExperimentSpec spec) {
        super(NAME, encoder, Sequential.builder().add("linear", new Linear(features, ROTATIONS)).build(),
                new long[] {features}, spec.optimizer(), spec.epochs(), spec.seed(), spec.normalize());
    }

    public static RotationNet create(ExperimentSpec spec, DatasetInfo data) {
        if (data.height() != data.width()) {
            throw new IllegalArgumentException("rotation needs square images (a quarter turn keeps the shape), dataset '"
                    + data.name() + "' has " + data.height() + "×" + data.width());
        }
        ModelSpec encoder = ModelSpec.features(spec.backbone(), data.channels(), data.height(), data.width());
        return new RotationNet(encoder, featureSize(encoder), spec);
    }

    /**
     * The four rotations of a batch of square images, rotation-major: image r·B + b is image b turned
     * r quarter turns counter-clockwise, {@code out[c][i][j] = in[c][j][W−1−i]} per quarter turn
     * ({@code torch.rot90(x, r, dims=[2, 3])}); its label is r.
     */
    public static BatchFrame rotations(BatchFrame batch) {
        int n = batch.count();
        int channels = batch.channels();
        int side = batch.height();
        if (batch.width() != side) {
            throw new IllegalArgumentException("rotation needs square images, got " + batch.height() + "×" + batch.width());
        }
        int plane = side * side;
        int image = channels * plane;
        byte[] in = batch.pixels();
        byte[] out = new byte[ROTATIONS * in.length];
        int[] labels = new int[ROTATIONS * n];
        for (int r = 0; r < ROTATIONS; r++) {
            for (int b = 0; b < n; b++) {
                labels[r * n + b] = r;
                int src = b * image;
                int dst = (r * n + b) * image;
                for (int c = 0; c < channels; c++) {
                    for (int i = 0; i < side; i++) {
                        for (int j = 0; j < side; j++) {
                            out[dst + c * plane + i * side + j] = in[src + c * plane + sourceIndex(r, i, j, side)];
                        }
                    }
                }
            }
        }
        return new BatchFrame(batch.epoch(), batch.batchIndex(), batch.epochBatches(), ROTATIONS * n, channels, side, side, 1,
                out, labels);
    }

    /** The source pixel (row-major index) of output (i, j) after r counter-clockwise quarter turns. */
    private static int sourceIndex(int r, int i, int j, int side) {
        int last = side - 1;
        return switch (r) {
            case 0 -> i * side + j;
            case 1 -> j * side + (last - i);
            case 2 -> (last - i) * side + (last - j);
            default -> (last - j) * side + i;
        };
    }

    @Override
    protected INDArray inputs(BatchFrame batch) {
        return Images.toTensor(rotations(batch), DataType.FLOAT, normalization());
    }

    @Override
    protected Objective objective(INDArray features, BatchFrame batch) {
        int rows = (int) features.size(0);
        int[] labels = new int[rows];
        int perRotation = rows / ROTATIONS;
        for (int i = 0; i < rows; i++) {
            labels[i] = i / perRotation;
        }
        Network head = head();
        INDArray logits = head.forward(features, Mode.TRAIN);
        SoftmaxCrossEntropy.Result result = SoftmaxCrossEntropy.evaluate(logits, labels);
        INDArray gradFeatures = head.backward(result.gradLogits());
        int[] predicted = logits.argMax(1).toIntVector();
        long correct = 0;
        for (int i = 0; i < rows; i++) {
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return new Objective(result.loss(), gradFeatures, (double) correct / rows);
    }
}
