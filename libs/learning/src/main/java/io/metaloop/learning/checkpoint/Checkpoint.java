package io.metaloop.learning.checkpoint;

import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Network;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A training state that can be stored and resumed: architecture, weights, running statistics,
 * optimiser moments and how far training got. Arrays are float32 whatever the training type.
 *
 * @param epochsDone     complete epochs behind this state; training resumes at this epoch
 * @param optimiserSteps Adam's step count (for its bias correction)
 */
public record Checkpoint(String experimentId, String method, ModelSpec model, int epochsDone, long optimiserSteps,
                         long seed, float[] params, float[] buffers, float[] firstMoment, float[] secondMoment) {
    public Checkpoint {
        if (firstMoment.length != params.length || secondMoment.length != params.length) {
            throw new IllegalArgumentException("optimiser moments (" + firstMoment.length + ", " + secondMoment.length
                    + ") do not match " + params.length + " parameters");
        }
    }

    /** Throws a clear error when this checkpoint cannot be loaded into the given method and network. */
    public void requireCompatible(String expectedMethod, ModelSpec expectedModel, Network network) {
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
    }

    public INDArray paramsArray() {
        return Nd4j.create(params);
    }

    public INDArray buffersArray() {
        return Nd4j.create(buffers);
    }

    public INDArray firstMomentArray() {
        return Nd4j.create(firstMoment);
    }

    public INDArray secondMomentArray() {
        return Nd4j.create(secondMoment);
    }
}
