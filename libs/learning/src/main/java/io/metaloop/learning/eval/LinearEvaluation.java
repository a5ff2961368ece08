package io.metaloop.learning.eval;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.Normalization;
import io.metaloop.datasets.EpochOrder;
import io.metaloop.learning.Workspaces;
import io.metaloop.learning.data.Images;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Linear;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.Sequential;
import io.metaloop.learning.nn.SoftmaxCrossEntropy;
import io.metaloop.learning.optim.Adam;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Offline linear evaluation of a learned backbone (the relational-reasoning seed's stage 2,
 * seeds.md §2.7): the backbone frozen in evaluation mode — running batch-norm statistics used,
 * never updated — gives features of every image once; a fresh Linear(F, classes) with PyTorch's
 * default initialisation is trained on the training features with Adam (seed: lr 1e-3, 100
 * epochs, batch 128, no augmentation, no schedule; the last batch of an epoch may be smaller, as
 * the seed's loader keeps it), each epoch in the order {@link EpochOrder} gives for (seed, epoch);
 * then top-1 accuracy on the test features. Because the features are computed once, the head's
 * epochs cost only the linear layer's arithmetic.
 */
public final class LinearEvaluation {
    private LinearEvaluation() {
    }

    /**
     * The head's training settings.
     *
     * @param epochs       passes over the training features (seed: 100)
     * @param batchSize    features per Adam step (seed: 128)
     * @param learningRate Adam's rate (seed: 1e-3)
     * @param seed         the head's initialisation and the epochs' orders
     */
    public record Settings(int epochs, int batchSize, double learningRate, long seed) {
        public Settings {
            if (epochs < 1 || batchSize < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("need epochs >= 1, batchSize >= 1 and a positive rate, got " + epochs + ", "
                        + batchSize + ", " + learningRate);
            }
        }
    }

    /**
     * Features of labelled images.
     *
     * @param values [n, F] float
     * @param labels n class indices
     */
    public record Features(INDArray values, int[] labels) {
        public Features {
            if (values.rank() != 2 || values.size(0) != labels.length) {
                throw new IllegalArgumentException("features " + Arrays.toString(values.shape()) + " for " + labels.length
                        + " labels");
            }
        }

        public int count() {
            return labels.length;
        }

        public int width() {
            return (int) values.size(1);
        }
    }

    /**
     * What linear evaluation measured.
     *
     * @param trainAccuracy the trained head's accuracy on its own training features (fraction)
     * @param testAccuracy  its accuracy on the test features (fraction)
     * @param finalLoss     mean cross-entropy of the head's last epoch
     */
    public record Result(int classes, long trainExamples, long testExamples, long testCorrect, double trainAccuracy,
                         double testAccuracy, double finalLoss) {
    }

    /**
     * The features of one batch through a frozen backbone, in evaluation mode (its running
     * statistics are read, never written).
     *
     * @param backbone a model without a classifier head ({@link Classifier#encoderFromCheckpoint})
     * @return [count, F], detached from any workspace
     * @throws IllegalArgumentException when the model has a classifier head
     */
    public static INDArray features(Classifier backbone, BatchFrame batch, Normalization normalization) {
        if (!ModelSpec.Head.NONE.equals(backbone.spec().head().kind())) {
            throw new IllegalArgumentException("linear evaluation needs the backbone alone, got a model with head "
                    + backbone.spec().head());
        }
        INDArray images = Images.toTensor(batch, backbone.network().dataType(), normalization);
        return Workspaces.run("features", () -> backbone.network().forward(images, Mode.EVAL).detach());
    }

    /** Collects the features of a split's batches, in arrival order, with their labels at one level. */
    public static final class Collector {
        private final int level;
        private float[] values = new float[0];
        private int[] labels = new int[0];
        private int count;
        private int width = -1;

        public Collector(int level) {
            this.level = level;
        }

        /**
         * @param features [batch.count(), F] for the batch's images
         * @throws IllegalArgumentException when an image is unlabelled (label −1) or the width changes
         */
        public void add(INDArray features, BatchFrame batch) {
            int n = batch.count();
            int f = (int) features.size(1);
            if (width >= 0 && f != width) {
                throw new IllegalArgumentException("feature width changed from " + width + " to " + f);
            }
            width = f;
            int[] batchLabels = Images.labels(batch, level);
            for (int i = 0; i < n; i++) {
                if (batchLabels[i] < 0) {
                    throw new IllegalArgumentException("image " + (count + i) + " has no label (" + batchLabels[i]
                            + "): linear evaluation needs a labelled split");
                }
            }
            if ((count + n) * (long) f > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("more features than one array holds");
            }
            if ((count + n) * f > values.length) {
                values = Arrays.copyOf(values, Math.max((count + n) * f, values.length * 2));
                labels = Arrays.copyOf(labels, Math.max(count + n, labels.length * 2));
            }
            System.arraycopy(Nd4j.toFlattened('c', features).toFloatVector(), 0, values, count * f, n * f);
            System.arraycopy(batchLabels, 0, labels, count, n);
            count += n;
        }

        /** @throws IllegalStateException when nothing was added */
        public Features features() {
            if (count == 0) {
                throw new IllegalStateException("no images were collected");
            }
            return new Features(Nd4j.create(Arrays.copyOf(values, count * width), new long[] {count, width}, 'c'),
                    Arrays.copyOf(labels, count));
        }
    }

    /**
     * Trains a linear head on {@code train} and scores it on {@code test}.
     *
     * @param classes the head's outputs; every label must be in [0, classes)
     * @throws IllegalArgumentException for mismatched widths, no training features, or a label out of range
     */
    public static Result run(Features train, Features test, int classes, Settings settings) {
        if (train.width() != test.width()) {
            throw new IllegalArgumentException("train features are " + train.width() + " wide, test features " + test.width());
        }
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        int n = train.count();
        Network head = new Network(Sequential.builder().add("linear", new Linear(train.width(), classes)).build(),
                new long[] {train.width()}, DataType.FLOAT, settings.seed());
        Adam adam = new Adam(head.params());
        INDArray x = train.values().castTo(DataType.FLOAT);
        double lastEpochLoss = Double.NaN;
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            int[] order = EpochOrder.permutation(n, settings.seed(), epoch);
            INDArray shuffled = Nd4j.pullRows(x, 1, order);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = train.labels()[order[i]];
            }
            double total = 0;
            for (int start = 0; start < n; start += settings.batchSize()) {
                int end = Math.min(n, start + settings.batchSize());
                INDArray batch = shuffled.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
                int[] batchLabels = Arrays.copyOfRange(labels, start, end);
                total += Workspaces.run("linear-eval", () -> {
                    INDArray logits = head.forward(batch, Mode.TRAIN);
                    SoftmaxCrossEntropy.Result loss = SoftmaxCrossEntropy.evaluate(logits, batchLabels);
                    head.backward(loss.gradLogits());
                    adam.step(head.params(), head.gradients(), settings.learningRate());
                    return loss.loss();
                }) * (end - start);
            }
            lastEpochLoss = total / n;
        }
        long trainCorrect = correct(head, x, train.labels());
        long testCorrect = correct(head, test.values().castTo(DataType.FLOAT), test.labels());
        return new Result(classes, n, test.count(), testCorrect, (double) trainCorrect / n,
                (double) testCorrect / test.count(), lastEpochLoss);
    }

    private static long correct(Network head, INDArray features, int[] labels) {
        int[] predicted = Workspaces.run("linear-eval-score", () -> head.forward(features, Mode.EVAL).argMax(1).toIntVector());
        long correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return correct;
    }
}
