package io.metaloop.learning.checkpoint;

import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Network;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A training state that can be stored and resumed exactly: architecture, weights, running
 * statistics, optimiser state, the method's random-number state and where in the data training
 * stands. Arrays are float32 whatever the training type.
 *
 * @param position  the next batch to train; {@code position.epochsDone()} complete epochs lie behind
 * @param seed      the experiment's seed (data order and initialisation derive from it)
 * @param optimizer the optimiser's name, step count and state vectors
 * @param rngState  the state of the method's own random generator (for draws made during training)
 * @param extras    a method's own named arrays beyond the network's (Meta-SGD's inner learning rates and
 *                  their optimiser state, the best meta-validation accuracy so far, ...); names match
 *                  {@code [A-Za-z0-9._-]{1,64}}
 */
public record Checkpoint(String experimentId, String method, ModelSpec model, TrainingPosition position, long seed,
                         float[] params, float[] buffers, OptimizerState optimizer, long rngState,
                         Map<String, float[]> extras) {
    private static final java.util.regex.Pattern EXTRA_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public Checkpoint {
        for (float[] vector : optimizer.vectors()) {
            if (vector.length != params.length) {
                throw new IllegalArgumentException("optimizer state vector of " + vector.length + " values does not match "
                        + params.length + " parameters");
            }
        }
        extras = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(extras));
        for (String name : extras.keySet()) {
            if (!EXTRA_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("extra array name '" + name + "' must match " + EXTRA_NAME);
            }
        }
    }

    /** A checkpoint with nothing beyond the network, optimiser and random state. */
    public Checkpoint(String experimentId, String method, ModelSpec model, TrainingPosition position, long seed,
                      float[] params, float[] buffers, OptimizerState optimizer, long rngState) {
        this(experimentId, method, model, position, seed, params, buffers, optimizer, rngState, Map.of());
    }

    /** The extra array of that name; a clear error when the checkpoint lacks it. */
    public float[] extra(String name) {
        float[] values = extras.get(name);
        if (values == null) {
            throw new CheckpointException("checkpoint of " + experimentId + " (method '" + method + "') holds no array '"
                    + name + "'; it holds " + extras.keySet());
        }
        return values;
    }

    /** Complete epochs behind this state. */
    public int epochsDone() {
        return position.epochsDone();
    }

    /** Throws a clear error when this checkpoint cannot be loaded into the given method and network. */
    public void requireCompatible(String expectedMethod, ModelSpec expectedModel, Network network, String expectedOptimizer) {
        if (!method.equals(expectedMethod)) {
            throw new CheckpointException("checkpoint of " + experimentId + " was written by method '" + method
                    + "', not '" + expectedMethod + "'");
        }
        if (!model.equals(expectedModel)) {
            throw new CheckpointException("checkpoint model " + model + " does not match " + expectedModel);
        }
        if (params.length != network.numParams() || buffers.length != network.buffers().length()) {
            throw new CheckpointException("checkpoint has " + params.length + " parameters and " + buffers.length
                    + " buffer values; the network has " + network.numParams() + " and " + network.buffers().length());
        }
        if (!optimizer.name().equals(expectedOptimizer)) {
            throw new CheckpointException("checkpoint holds the state of optimizer '" + optimizer.name() + "', the run uses '"
                    + expectedOptimizer + "'");
        }
    }

    public INDArray paramsArray() {
        return Nd4j.create(params);
    }

    public INDArray buffersArray() {
        return Nd4j.create(buffers);
    }

    /** The optimiser's state vectors as arrays, in its order. */
    public List<INDArray> optimizerArrays() {
        return optimizer.vectors().stream().map(Nd4j::create).toList();
    }
}
