package io.metaloop.learning.method.selfsupervised;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.DeepClusterSpec;
import io.metaloop.datasets.EpochOrder;
import io.metaloop.learning.Workspaces;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.CheckpointException;
import io.metaloop.learning.data.Images;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.BatchNorm1d;
import io.metaloop.learning.nn.Initialisers;
import io.metaloop.learning.nn.LeakyRelu;
import io.metaloop.learning.nn.Linear;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.Sequential;
import io.metaloop.learning.nn.WeightedSoftmaxCrossEntropy;
import io.metaloop.learning.train.BatchSource;
import io.metaloop.learning.train.EpochPreparation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * DeepCluster (Caron et al. 2018) as the relational-reasoning seed runs it (seeds.md §2.6). At the
 * start of every epoch ({@link #prepareEpoch}): features [N, F] of the whole training split, PCA
 * with whitening to F dimensions (F/2 when F ≥ 512) and L2-normalised rows, k-means (k-means++,
 * {@code restarts} runs, the least inertia kept, {@code iterations} Lloyd iterations) with
 * k = {@link DeepClusterSpec#clustersFor} the primary level's classes; the clusters are the epoch's
 * pseudo-labels, one per example, and the head's last layer is re-initialised (weights N(0, 0.01),
 * bias 0; its optimiser state is kept, as the seed's one Adam over everything keeps it). Each step
 * is cross-entropy of the head Linear(F, hidden) – BatchNorm1d – LeakyReLU(0.01) – Linear(hidden, k)
 * against the pseudo-labels, class c weighted 1 − (c's share of the split) and normalised as
 * PyTorch's weighted {@code CrossEntropyLoss} ({@link WeightedSoftmaxCrossEntropy}).
 *
 * <p>The seed's clustering pass reads images that already carry the training augmentation and then
 * augments and normalises the normalised tensor again (seeds.md §2.10). Here the pass reads the
 * stored, un-augmented images, normalised once, with the backbone in evaluation mode (batch norm's
 * running statistics, as the seed's {@code model.eval()}); there is no train-mode option.
 *
 * <p>Batches carry no example indices: training batch b of epoch e holds examples
 * {@code order[b·B … b·B + B − 1]} of {@code order = EpochOrder.permutation(N, seed, e)}, B the
 * batch size, as dataset-service cuts a shuffled epoch ({@code Batches.assemble}; the trainer drops
 * the short last batch), with the views of one image at rows r, r + B, … (view-major). Each batch's
 * dataset labels are checked against the labels the clustering pass read for those examples, so a
 * batch from another order fails instead of training on wrong pseudo-labels. The pseudo-labels,
 * those dataset labels and their epoch are checkpointed with the head, so a run resumed inside an
 * epoch continues with the same labels.
 */
public final class DeepCluster extends SelfSupervisedMethod implements EpochPreparation {
    public static final String NAME = "deepcluster";
    /** The seed's weight initialisation of the re-initialised last layer: N(0, 0.01). */
    static final double LAST_LAYER_STD = 0.01;
    private static final String LAST_LAYER = "linear2";

    private final int features;
    private final int clusters;
    private final int iterations;
    private final int restarts;
    private final int batchSize;
    private final long dataSeed;
    private int labelledEpoch = -1;
    private int[] pseudoLabels;
    private int[] splitLabels;
    private double[] weights;
    private int[] order;
    private int orderEpoch = -1;

    /**
     * @param encoder   the backbone's spec (no classifier head)
     * @param clusters  k, the number of pseudo-classes
     * @param batchSize images per training batch, B (before views)
     * @throws IllegalArgumentException if k &lt; 2 or the batch size is below 1
     */
    public DeepCluster(ModelSpec encoder, DeepClusterSpec section, int clusters, int batchSize, ExperimentSpec spec) {
        this(encoder, section, clusters, batchSize, featureSize(encoder), spec);
    }

    private DeepCluster(ModelSpec encoder, DeepClusterSpec section, int clusters, int batchSize, int features,
                        ExperimentSpec spec) {
        super(NAME, encoder, head(features, section.hidden(), clusters), new long[] {features}, spec.optimizer(),
                spec.epochs(), spec.seed(), spec.normalize());
        if (clusters < 2) {
            throw new IllegalArgumentException("deepcluster needs at least 2 clusters, got " + clusters);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.features = features;
        this.clusters = clusters;
        this.iterations = section.iterations();
        this.restarts = section.restarts();
        this.batchSize = batchSize;
        this.dataSeed = spec.seed();
    }

    /**
     * DeepCluster for an experiment: k from the spec's section and the dataset's primary-level classes.
     *
     * @throws IllegalArgumentException if the spec has no batch size or k &lt; 2
     */
    public static DeepCluster create(ExperimentSpec spec, DatasetInfo data) {
        if (spec.batchSize() == null) {
            throw new IllegalArgumentException("deepcluster trains on batches: the spec needs a batchSize");
        }
        DeepClusterSpec section = spec.deepcluster();
        int classes = data.levels().get(0).classes().size();
        return new DeepCluster(ModelSpec.features(spec.backbone(), data.channels(), data.height(), data.width()), section,
                section.clustersFor(classes), spec.batchSize(), spec);
    }

    /** The seed's classifier head: Linear(F, hidden) – BatchNorm1d – LeakyReLU(0.01) – Linear(hidden, k). */
    private static Sequential head(int features, int hidden, int clusters) {
        return Sequential.builder()
                .add("linear1", new Linear(features, hidden))
                .add("bn1", new BatchNorm1d(hidden))
                .add("act", new LeakyRelu(0.01))
                .add(LAST_LAYER, new Linear(hidden, clusters))
                .build();
    }

    /** k, the number of clusters. */
    public int clusters() {
        return clusters;
    }

    /** The pseudo-label of every example of the training split (stored order) for the prepared epoch; null before. */
    public int[] pseudoLabels() {
        return pseudoLabels == null ? null : pseudoLabels.clone();
    }

    /**
     * Clusters the whole training split for {@code epoch}: see the class comment.
     *
     * @throws IllegalStateException if the split delivers batches out of order, or fewer images than
     *                               one training batch or than k
     */
    @Override
    public void prepareEpoch(int epoch, BatchSource trainingSplit) throws InterruptedException {
        Network encoder = model().network();
        List<double[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (BatchSource.EpochStream stream = trainingSplit.open(epoch, 0)) {
            long expected = 0;
            for (BatchFrame batch; (batch = stream.next()) != null; expected++) {
                if (batch.batchIndex() != expected) {
                    throw new IllegalStateException("the training split's batch " + batch.batchIndex() + " came where batch "
                            + expected + " was expected");
                }
                BatchFrame images = batch;
                double[][] f = Workspaces.run("deepcluster-features", () -> encoder
                        .forward(Images.toTensor(images, DataType.FLOAT, normalization()), Mode.EVAL)
                        .castTo(DataType.DOUBLE).toDoubleMatrix());
                for (int i = 0; i < f.length; i++) {
                    rows.add(f[i]);
                    labels.add(batch.labelLevels() > 0 ? batch.label(i, 0) : -1);
                }
            }
        }
        if (rows.size() < Math.max(batchSize, clusters)) {
            throw new IllegalStateException("the training split delivered " + rows.size() + " images; deepcluster needs "
                    + "at least a batch of " + batchSize + " and k = " + clusters);
        }
        double[][] reduced = Clustering.pcaWhiten(rows.toArray(new double[0][]), Clustering.pcaDimensions(features));
        Clustering.l2NormaliseRows(reduced);
        int[] assigned = Clustering.kMeans(reduced, clusters, iterations, restarts, random().nextLong());
        resetLastLayer(new Random(random().nextLong()));
        setLabels(epoch, assigned, labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private void setLabels(int epoch, int[] pseudo, int[] dataset) {
        labelledEpoch = epoch;
        pseudoLabels = pseudo;
        splitLabels = dataset;
        weights = Clustering.clusterWeights(pseudo, clusters);
        order = null;
        orderEpoch = -1;
    }

    /** The seed's reset of the last layer: weights N(0, 0.01), bias 0. */
    private void resetLastLayer(Random random) {
        INDArray params = head().params();
        for (Network.Tensor t : head().parameterTensors()) {
            INDArray view = params.get(NDArrayIndex.interval(t.offset(), t.offset() + t.length()));
            if (t.name().equals(LAST_LAYER + ".weight")) {
                Initialisers.normal(view, LAST_LAYER_STD, random);
            } else if (t.name().equals(LAST_LAYER + ".bias")) {
                view.assign(0);
            }
        }
    }

    /**
     * The pseudo-label of every row of a training batch, [rows]: row r is view r / B of example
     * {@code order[b·B + r mod B]} (see the class comment).
     *
     * @throws IllegalStateException if no pseudo-labels were prepared for the batch's epoch, or the
     *                               batch's dataset labels are not those of the examples its position names
     * @throws IllegalArgumentException if the batch is not whole views of B images inside the split
     */
    int[] batchLabels(BatchFrame batch) {
        if (pseudoLabels == null || labelledEpoch != batch.epoch()) {
            throw new IllegalStateException("no pseudo-labels for epoch " + batch.epoch() + " (they are for epoch "
                    + labelledEpoch + "): the epoch was not prepared");
        }
        int rows = batch.count();
        if (rows % batchSize != 0) {
            throw new IllegalArgumentException("a batch of " + rows + " images is not whole views of " + batchSize
                    + " images (the short last batch of an epoch must be dropped)");
        }
        int n = pseudoLabels.length;
        long from = batch.batchIndex() * batchSize;
        if (from + batchSize > n) {
            throw new IllegalArgumentException("batch " + batch.batchIndex() + " of " + batchSize + " images lies beyond the "
                    + n + " images of the split");
        }
        if (orderEpoch != batch.epoch()) {
            order = EpochOrder.permutation(n, dataSeed, batch.epoch());
            orderEpoch = batch.epoch();
        }
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            int example = order[(int) from + r % batchSize];
            if (batch.labelLevels() > 0 && batch.label(r, 0) != splitLabels[example]) {
                throw new IllegalStateException("batch " + batch.batchIndex() + " of epoch " + batch.epoch() + " row " + r
                        + " has label " + batch.label(r, 0) + ", example " + example + " of the split has "
                        + splitLabels[example] + ": the batches are not cut from EpochOrder(N, seed, epoch) of the split");
            }
            labels[r] = pseudoLabels[example];
        }
        return labels;
    }

    @Override
    protected Objective objective(INDArray featureRows, BatchFrame batch) {
        int[] labels = batchLabels(batch);
        Network head = head();
        INDArray logits = head.forward(featureRows, Mode.TRAIN);
        WeightedSoftmaxCrossEntropy.Result result = WeightedSoftmaxCrossEntropy.evaluate(logits, labels, weights);
        INDArray gradFeatures = head.backward(result.gradLogits());
        int[] predicted = logits.argMax(1).toIntVector();
        long correct = 0;
        for (int i = 0; i < labels.length; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        return new Objective(result.loss(), gradFeatures, (double) correct / labels.length);
    }

    /**
     * The head's state and, once an epoch is prepared, its pseudo-labels: {@code deepcluster.epoch}
     * {epoch}, {@code deepcluster.pseudoLabels} and {@code deepcluster.splitLabels} [N] (integers
     * stored as float32, exact below 2^24).
     */
    @Override
    protected Map<String, float[]> extraState() {
        Map<String, float[]> state = new LinkedHashMap<>(super.extraState());
        if (pseudoLabels != null) {
            state.put("deepcluster.epoch", new float[] {labelledEpoch});
            state.put("deepcluster.pseudoLabels", toFloats(pseudoLabels));
            state.put("deepcluster.splitLabels", toFloats(splitLabels));
        }
        return state;
    }

    /** @throws CheckpointException if the saved labels are malformed (lengths differ, a cluster outside [0, k)) */
    @Override
    protected void restoreExtraState(Checkpoint checkpoint) {
        super.restoreExtraState(checkpoint);
        if (!checkpoint.extras().containsKey("deepcluster.epoch")) {
            labelledEpoch = -1;
            pseudoLabels = null;
            splitLabels = null;
            weights = null;
            return;
        }
        int[] pseudo = toInts(checkpoint.extra("deepcluster.pseudoLabels"));
        int[] dataset = toInts(checkpoint.extra("deepcluster.splitLabels"));
        if (pseudo.length != dataset.length) {
            throw new CheckpointException(pseudo.length + " pseudo-labels for " + dataset.length + " examples");
        }
        for (int label : pseudo) {
            if (label < 0 || label >= clusters) {
                throw new CheckpointException("pseudo-label " + label + " outside [0, " + clusters + ")");
            }
        }
        setLabels((int) checkpoint.extra("deepcluster.epoch")[0], pseudo, dataset);
    }

    private static float[] toFloats(int[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static int[] toInts(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.round(values[i]);
        }
        return out;
    }
}
