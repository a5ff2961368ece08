package io.metaloop.learning.method;

import io.metaloop.datasets.SplitMix64;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.CheckpointException;
import io.metaloop.learning.checkpoint.OptimizerState;
import io.metaloop.learning.checkpoint.TrainingPosition;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.optim.Optimizer;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What every training method has: a classifier, an optimiser over its parameter vector and a random
 * generator for draws made during training. Checkpointing and restoring these is written once,
 * here, so a method class only says what one step does.
 */
public abstract class BaseMethod implements TrainingMethod {
    /** Keys the method's generator apart from the data side's (seed, epoch, example, view) streams. */
    private static final long METHOD_STREAM = 0x4D4554484F44L;

    private final String name;
    private final Classifier model;
    private final Optimizer optimizer;
    private final long seed;
    private SplitMix64 random;

    protected BaseMethod(String name, Classifier model, Function<INDArray, Optimizer> optimizer, long seed) {
        this.name = name;
        this.model = model;
        this.optimizer = optimizer.apply(model.network().params());
        this.seed = seed;
        this.random = SplitMix64.keyed(seed, METHOD_STREAM);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Classifier model() {
        return model;
    }

    protected final Optimizer optimizer() {
        return optimizer;
    }

    /** The generator for every random choice a step makes; its state is checkpointed, so a resumed run draws the same. */
    protected final SplitMix64 random() {
        return random;
    }

    @Override
    public final Checkpoint checkpoint(String experimentId, TrainingPosition position) {
        Network net = model.network();
        List<float[]> state = optimizer.state().stream().map(INDArray::toFloatVector).toList();
        return new Checkpoint(experimentId, name, model.spec(), position, seed, net.params().toFloatVector(),
                net.buffers().toFloatVector(), new OptimizerState(optimizer.name(), optimizer.steps(), state),
                random.state(), extraState());
    }

    /**
     * A method's own state beyond the network, optimiser and generator, by name (Meta-SGD's learned
     * inner learning rates and their optimiser's state); none by default.
     */
    protected Map<String, float[]> extraState() {
        return Map.of();
    }

    /** Puts back what {@link #extraState()} saved; called by {@link #restore} after everything else. */
    protected void restoreExtraState(Checkpoint checkpoint) {
    }

    @Override
    public final void restore(Checkpoint checkpoint) {
        Network net = model.network();
        checkpoint.requireCompatible(name, model.spec(), net, optimizer.name());
        if (checkpoint.optimizer().vectors().size() != optimizer.state().size()) {
            throw new CheckpointException("checkpoint holds "
                    + checkpoint.optimizer().vectors().size() + " state vectors for optimizer '" + optimizer.name()
                    + "', which keeps " + optimizer.state().size());
        }
        net.params().assign(checkpoint.paramsArray());
        net.buffers().assign(checkpoint.buffersArray());
        optimizer.restore(checkpoint.optimizerArrays(), checkpoint.optimizer().steps());
        random = new SplitMix64(checkpoint.rngState());
        restoreExtraState(checkpoint);
    }
}
