package io.metaloop.learning.method.auxiliary;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.MaxlSpec;
import io.metaloop.contracts.spec.Normalization;
import io.metaloop.contracts.spec.OptimizerSpec;
import io.metaloop.datasets.SplitMix64;
import io.metaloop.learning.Workspaces;
import io.metaloop.learning.backbone.Backbone;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.CheckpointException;
import io.metaloop.learning.checkpoint.OptimizerState;
import io.metaloop.learning.checkpoint.TrainingPosition;
import io.metaloop.learning.data.Images;
import io.metaloop.learning.method.TrainingMethod;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Layer;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.ParallelHeads;
import io.metaloop.learning.nn.Sequential;
import io.metaloop.learning.optim.LearningRateSchedule;
import io.metaloop.learning.optim.Optimizer;
import io.metaloop.learning.optim.Optimizers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The base of the auxiliary-learning family (seeds.md §1): a multi-task network — the backbone
 * ({@code encoder.*}) with a primary classifier ({@code classifier.*}, MAXL's MLP head to the
 * primary level's P classes) and, for {@code human} and {@code maxl}, an auxiliary classifier
 * ({@code auxiliary.*}, to A classes) on the same features; its output is the logits [N, P + A],
 * primary columns first. Losses are MAXL's focal loss on probabilities. The checkpointed model is
 * the backbone with the primary classifier (a {@link ModelSpec.Head#MLP} classifier: what is
 * evaluated), the first tensors of the multi-task network; the auxiliary classifier, the
 * optimiser's state and a method's own state (MAXL's label generator) travel as extra arrays, so a
 * resumed run continues exactly. Heads start Xavier-uniform with zero bias, as MAXL's do.
 */
public abstract class AuxiliaryLearning implements TrainingMethod {
    private static final long METHOD_STREAM = 0x4D4554484F44L;
    private static final long HEAD_STREAM = 0x4D41584CL;

    private final String name;
    private final MaxlSpec settings;
    private final ModelSpec evalSpec;
    private final Network multiTask;
    private final Classifier evalModel;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final Normalization normalization;
    private final ProbabilityFocalLoss focal;
    private final int primaryClasses;
    private final int auxiliaryClasses;
    private final long seed;
    private SplitMix64 random;

    /**
     * @param evalSpec         the evaluated model: backbone and an MLP head to the P primary classes
     * @param backbone         makes a fresh instance of the backbone (the multi-task network's and the evaluated model's)
     * @param auxiliaryClasses A, the auxiliary head's classes (0: no auxiliary head)
     * @param epochs           the run's length, for the optimiser's schedule
     */
    protected AuxiliaryLearning(String name, MaxlSpec settings, ModelSpec evalSpec, Supplier<Backbone> backbone,
                                int auxiliaryClasses, OptimizerSpec optimizer, int epochs, long seed, Normalization normalization,
                                DataType dataType) {
        if (!ModelSpec.Head.MLP.equals(evalSpec.head().kind())) {
            throw new IllegalArgumentException("the auxiliary family evaluates an MLP classifier, got " + evalSpec.head());
        }
        this.name = name;
        this.settings = settings;
        this.evalSpec = evalSpec;
        this.primaryClasses = evalSpec.classes();
        this.auxiliaryClasses = auxiliaryClasses;
        this.seed = seed;
        this.random = SplitMix64.keyed(seed, METHOD_STREAM);
        this.focal = new ProbabilityFocalLoss(settings.focalGamma());
        this.normalization = normalization;
        this.multiTask = multiTaskNetwork(backbone.get(), primaryClasses, auxiliaryClasses, evalSpec, seed, dataType);
        this.evalModel = Classifier.create(evalSpec, backbone.get(), seed, dataType);
        if (evalModel.network().buffers().length() != multiTask.buffers().length()) {
            throw new IllegalStateException("the heads must have no buffers");
        }
        this.optimizer = Optimizers.factory(optimizer).apply(multiTask.params());
        this.schedule = Optimizers.schedule(optimizer, Math.max(1, epochs));
    }

    /**
     * Backbone then heads: logits [N, P + A]. Parameters laid out encoder, classifier, auxiliary, so
     * the first elements are exactly those of the evaluated model {@code evalSpec}.
     */
    static Network multiTaskNetwork(Backbone backbone, int primary, int auxiliary, ModelSpec evalSpec, long seed,
                                    DataType dataType) {
        List<String> names = new ArrayList<>(List.of("classifier"));
        List<Layer> heads = new ArrayList<>(List.of(Classifier.mlpHead(backbone.featureSize(), primary)));
        if (auxiliary > 0) {
            names.add("auxiliary");
            heads.add(Classifier.mlpHead(backbone.featureSize(), auxiliary));
        }
        Network net = new Network(Sequential.builder().add("encoder", backbone.layer()).add("", new ParallelHeads(names, heads))
                .build(), evalSpec.inputShape(), dataType, seed);
        xavier(net, name -> !name.startsWith("encoder."), false, SplitMix64.keyed(seed, HEAD_STREAM).nextLong());
        return net;
    }

    /**
     * Xavier (Glorot) initialisation of the selected weight tensors (rank ≥ 2: linear [in, out],
     * convolution [out, in, k, k]; fan-in and fan-out as PyTorch computes them) and zero for the
     * selected biases ({@code *.bias} of rank 1 outside batch norm): uniform in ±√(6/(fan_in + fan_out)),
     * or normal with std √(2/(fan_in + fan_out)) — MAXL's nn.init.xavier_uniform_ / xavier_normal_.
     */
    static void xavier(Network net, java.util.function.Predicate<String> selected, boolean normal, long seed) {
        Random random = new Random(seed);
        List<Network.Tensor> tensors = net.parameterTensors();
        List<long[]> shapes = net.root().parameterShapes();
        for (int i = 0; i < tensors.size(); i++) {
            Network.Tensor t = tensors.get(i);
            long[] shape = shapes.get(i);
            if (!selected.test(t.name())) {
                continue;
            }
            INDArray view = net.params().get(NDArrayIndex.interval(t.offset(), t.offset() + t.length()));
            if (shape.length >= 2) {
                long receptive = 1;
                for (int d = 2; d < shape.length; d++) {
                    receptive *= shape[d];
                }
                long fanIn = shape.length == 2 ? shape[0] : shape[1] * receptive;
                long fanOut = shape.length == 2 ? shape[1] : shape[0] * receptive;
                double scale = 2.0 / (fanIn + fanOut);
                if (normal) {
                    io.metaloop.learning.nn.Initialisers.normal(view, Math.sqrt(scale), random);
                } else {
                    io.metaloop.learning.nn.Initialisers.uniform(view, Math.sqrt(3 * scale), random);
                }
            } else if (t.name().endsWith(".bias") && !t.name().contains("bn")) {
                view.assign(0);
            }
        }
    }

    @Override
    public final String name() {
        return name;
    }

    protected final MaxlSpec settings() {
        return settings;
    }

    /** The multi-task network: logits [N, P + A]. */
    public final Network multiTask() {
        return multiTask;
    }

    final Optimizer optimizer() {
        return optimizer;
    }

    protected final LearningRateSchedule schedule() {
        return schedule;
    }

    protected final ProbabilityFocalLoss focal() {
        return focal;
    }

    public final int primaryClasses() {
        return primaryClasses;
    }

    public final int auxiliaryClasses() {
        return auxiliaryClasses;
    }

    /** The primary labels of a batch, at {@code primaryLevel}. */
    protected final int[] primaryLabels(BatchFrame batch) {
        return levelLabels(batch, settings.primaryLevel(), "primaryLevel", primaryClasses);
    }

    /** Labels of a level, each checked to be in 0..classes−1; errors name the spec field. */
    protected final int[] levelLabels(BatchFrame batch, int level, String field, int classes) {
        if (level >= batch.labelLevels()) {
            throw new IllegalArgumentException(name + "." + field + " is " + level + " but the batches carry "
                    + batch.labelLevels() + " label level(s); import the dataset with a hierarchy (--hierarchy) or pick a level below "
                    + batch.labelLevels());
        }
        int[] labels = Images.labels(batch, level);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " at " + name + "." + field + " " + level
                        + " is outside 0.." + (classes - 1) + " (unlabelled images cannot train " + name + ")");
            }
        }
        return labels;
    }

    /**
     * One step on a batch of data epoch {@code batch.epoch()}, which is pass
     * {@code batch.epoch() % passesPerEpoch()} of the experiment's epoch {@code batch.epoch() / passesPerEpoch()}.
     */
    @Override
    public final double step(BatchFrame batch) {
        int passes = passesPerEpoch();
        int epoch = batch.epoch() / passes;
        return Workspaces.run("auxiliary-step", () -> train(Images.toTensor(batch, multiTask.dataType(), normalization), batch,
                epoch, batch.epoch() % passes, schedule.rate(epoch)));
    }

    /**
     * One training step on normalised images [N, C, H, W].
     *
     * @param epoch the experiment's epoch (0-based), for schedules
     * @param pass  the pass within it (0 unless {@link #passesPerEpoch()} is above 1)
     * @param rate  the multi-task optimiser's learning rate this epoch
     * @return the batch's training loss (primary plus auxiliary)
     */
    protected abstract double train(INDArray images, BatchFrame batch, int epoch, int pass, double rate);

    /** The evaluated model (backbone and primary classifier), brought up to date with the multi-task network. */
    @Override
    public final Classifier model() {
        Network eval = evalModel.network();
        eval.params().assign(multiTask.params().get(NDArrayIndex.interval(0, eval.numParams())));
        eval.buffers().assign(multiTask.buffers());
        return evalModel;
    }

    @Override
    public final Checkpoint checkpoint(String experimentId, TrainingPosition position) {
        Network eval = model().network();
        Map<String, float[]> extras = new LinkedHashMap<>();
        extras.put("multitask.params", multiTask.params().toFloatVector());
        List<INDArray> state = optimizer.state();
        for (int i = 0; i < state.size(); i++) {
            extras.put("optimizer." + i, state.get(i).toFloatVector());
        }
        extras.putAll(extraState());
        // the optimiser's vectors cover the whole multi-task network, so they travel as extras
        return new Checkpoint(experimentId, name, evalSpec, position, seed, eval.params().toFloatVector(),
                eval.buffers().toFloatVector(), new OptimizerState(optimizer.name(), optimizer.steps(), List.of()), random.state(),
                extras);
    }

    @Override
    public final void restore(Checkpoint checkpoint) {
        if (!name.equals(checkpoint.method())) {
            throw new CheckpointException("checkpoint was written by method '" + checkpoint.method() + "', not '" + name + "'");
        }
        if (!evalSpec.equals(checkpoint.model())) {
            throw new CheckpointException("checkpoint model " + checkpoint.model() + " does not match " + evalSpec);
        }
        if (!optimizer.name().equals(checkpoint.optimizer().name())) {
            throw new CheckpointException("checkpoint holds the state of optimizer '" + checkpoint.optimizer().name()
                    + "', the run uses '" + optimizer.name() + "'");
        }
        assign(multiTask.params(), checkpoint.extra("multitask.params"), "multitask.params");
        assign(multiTask.buffers(), checkpoint.buffers(), "buffers");
        List<INDArray> saved = new ArrayList<>();
        for (int i = 0; i < optimizer.state().size(); i++) {
            float[] values = checkpoint.extra("optimizer." + i);
            INDArray own = optimizer.state().get(i);
            if (values.length != own.length()) {
                throw new CheckpointException("optimizer." + i + " has " + values.length + " values, the optimizer " + own.length());
            }
            saved.add(Nd4j.createFromArray(values).castTo(own.dataType()));
        }
        optimizer.restore(saved, checkpoint.optimizer().steps());
        random = new SplitMix64(checkpoint.rngState());
        restoreExtraState(checkpoint);
    }

    /** Copies a checkpoint array into a live vector, refusing one of another length. */
    protected static void assign(INDArray target, float[] values, String name) {
        if (values.length != target.length()) {
            throw new CheckpointException(name + " has " + values.length + " values, this network " + target.length());
        }
        target.assign(Nd4j.createFromArray(values).castTo(target.dataType()));
    }

    /** A method's own state beyond the multi-task network (MAXL's generator); none by default. */
    protected Map<String, float[]> extraState() {
        return Map.of();
    }

    protected void restoreExtraState(Checkpoint checkpoint) {
    }

    /** [rows, n] as row-major doubles. */
    static double[] doubles(INDArray matrix) {
        double[][] rows = matrix.castTo(DataType.DOUBLE).toDoubleMatrix();
        int n = rows.length == 0 ? 0 : rows[0].length;
        double[] out = new double[rows.length * n];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * n, n);
        }
        return out;
    }

    /** Row-major doubles as an [rows, n] array of the given type. */
    static INDArray matrix(double[] values, int rows, DataType dataType) {
        return Nd4j.create(values, new long[] {rows, values.length / rows}, DataType.DOUBLE).castTo(dataType);
    }

    /** Columns [from, from + count) of a row-major [rows, n] array. */
    static double[] columns(double[] values, int rows, int from, int count) {
        int n = values.length / rows;
        double[] out = new double[rows * count];
        for (int b = 0; b < rows; b++) {
            System.arraycopy(values, b * n + from, out, b * count, count);
        }
        return out;
    }

    /** Two row-major blocks side by side: [rows, a] then [rows, b]. */
    static double[] sideBySide(double[] left, double[] right, int rows) {
        int a = left.length / rows;
        int b = right.length / rows;
        double[] out = new double[rows * (a + b)];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(left, r * a, out, r * (a + b), a);
            System.arraycopy(right, r * b, out, r * (a + b) + a, b);
        }
        return out;
    }
}
