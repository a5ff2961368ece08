package io.metaloop.learning.model;

import io.metaloop.learning.Workspaces;
import io.metaloop.learning.backbone.Backbone;
import io.metaloop.learning.backbone.Backbones;
import io.metaloop.learning.nn.Linear;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.Sequential;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A backbone with a linear head over its features: images in, class logits out. */
public final class Classifier {
    private final ModelSpec spec;
    private final Network network;

    private Classifier(ModelSpec spec, Network network) {
        this.spec = spec;
        this.network = network;
    }

    public static Classifier create(ModelSpec spec, long seed, DataType dataType) {
        Backbone backbone = Backbones.create(spec.backbone(), spec.channels(), spec.height(), spec.width());
        Sequential layers = new Sequential(List.of(backbone.layer(), new Linear(backbone.featureSize(), spec.classes())));
        return new Classifier(spec, new Network(layers, spec.inputShape(), dataType, seed));
    }

    /** The trained model of a checkpoint, for evaluation. */
    public static Classifier fromCheckpoint(io.metaloop.learning.checkpoint.Checkpoint checkpoint) {
        Classifier classifier = create(checkpoint.model(), checkpoint.seed(), DataType.FLOAT);
        Network net = classifier.network();
        if (checkpoint.params().length != net.numParams() || checkpoint.buffers().length != net.buffers().length()) {
            throw new io.metaloop.learning.checkpoint.CheckpointException("checkpoint arrays do not fit " + checkpoint.model());
        }
        net.params().assign(checkpoint.paramsArray());
        net.buffers().assign(checkpoint.buffersArray());
        return classifier;
    }

    public ModelSpec spec() {
        return spec;
    }

    public Network network() {
        return network;
    }

    /** Predicted class of each image, with running batch-norm statistics. */
    public int[] predict(INDArray images) {
        return Workspaces.run("predict", () -> {
            INDArray logits = network.forward(images, Mode.EVAL);
            return logits.argMax(1).toIntVector();
        });
    }
}
