package io.metaloop.learning.model;

import io.metaloop.learning.Workspaces;
import io.metaloop.learning.backbone.Backbone;
import io.metaloop.learning.backbone.Backbones;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.CheckpointException;
import io.metaloop.learning.nn.Linear;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.Scale;
import io.metaloop.learning.nn.Sequential;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A backbone, named {@code encoder}, with the head of its {@link ModelSpec}: a linear layer named
 * {@code classifier} (optionally times a temperature, {@code classifier.temp}) giving class logits,
 * or none (the features themselves). The encoder's parameters come first in the parameter vector,
 * so the first {@link #encoderParameters()} elements of any such model are its backbone.
 */
public final class Classifier {
    private final ModelSpec spec;
    private final Network network;
    private final long encoderParameters;

    private Classifier(ModelSpec spec, Network network, long encoderParameters) {
        this.spec = spec;
        this.network = network;
        this.encoderParameters = encoderParameters;
    }

    public static Classifier create(ModelSpec spec, long seed, DataType dataType) {
        return create(spec, Backbones.create(spec.backbone(), spec.channels(), spec.height(), spec.width()), seed, dataType);
    }

    /**
     * A classifier on a given backbone instance (narrow versions of a catalogued backbone, for
     * tests); {@code spec} still names the catalogued backbone it stands for.
     */
    public static Classifier create(ModelSpec spec, Backbone backbone, long seed, DataType dataType) {
        Sequential.Builder layers = Sequential.builder().add("encoder", backbone.layer());
        ModelSpec.Head head = spec.head();
        if (ModelSpec.Head.LINEAR.equals(head.kind())) {
            Sequential.Builder classifier = Sequential.builder().add("", new Linear(backbone.featureSize(), spec.classes()));
            if (head.scales()) {
                classifier.add("", new Scale(head.temperature(), head.learnTemperature()));
            }
            layers.add("classifier", classifier.build());
        } else if (ModelSpec.Head.MLP.equals(head.kind())) {
            layers.add("classifier", mlpHead(backbone.featureSize(), spec.classes()));
        }
        Network network = new Network(layers.build(), spec.inputShape(), dataType, seed);
        long encoder = network.parameterTensors().stream().filter(t -> t.name().startsWith("encoder."))
                .mapToLong(Network.Tensor::length).sum();
        return new Classifier(spec, network, encoder);
    }

    /**
     * MAXL's head (seeds.md §1.3): Linear(F, F) – ReLU – Linear(F, classes) on features [N, F], giving
     * logits [N, classes]; tensors {@code 0.weight} [F, F], {@code 0.bias}, {@code 2.weight} [F, classes],
     * {@code 2.bias} (PyTorch's nn.Sequential names). PyTorch's default initialisation; MAXL's methods
     * re-initialise it (Xavier, zero bias).
     */
    public static Sequential mlpHead(int features, int classes) {
        return new Sequential(java.util.List.of(new Linear(features, features), new io.metaloop.learning.nn.Relu(),
                new Linear(features, classes)));
    }

    /** The trained model of a checkpoint, for evaluation. */
    public static Classifier fromCheckpoint(Checkpoint checkpoint) {
        Classifier classifier = create(checkpoint.model(), checkpoint.seed(), DataType.FLOAT);
        Network net = classifier.network();
        if (checkpoint.params().length != net.numParams() || checkpoint.buffers().length != net.buffers().length()) {
            throw new CheckpointException("checkpoint arrays do not fit " + checkpoint.model());
        }
        net.params().assign(checkpoint.paramsArray());
        net.buffers().assign(checkpoint.buffersArray());
        return classifier;
    }

    /**
     * The backbone of a checkpoint's model alone (features out, running statistics included), for
     * prototype-based few-shot evaluation of any trained model: its head, if any, is dropped.
     */
    public static Classifier encoderFromCheckpoint(Checkpoint checkpoint) {
        Classifier full = fromCheckpoint(checkpoint);
        ModelSpec spec = checkpoint.model();
        Classifier encoder = create(ModelSpec.features(spec.backbone(), spec.channels(), spec.height(), spec.width()),
                checkpoint.seed(), DataType.FLOAT);
        Network net = encoder.network();
        net.params().assign(full.network().params().get(NDArrayIndex.interval(0, net.numParams())));
        // the head has no buffers: every buffer belongs to the encoder
        net.buffers().assign(full.network().buffers());
        return encoder;
    }

    public ModelSpec spec() {
        return spec;
    }

    public Network network() {
        return network;
    }

    /** Elements of the parameter vector that belong to the encoder (they come first). */
    public long encoderParameters() {
        return encoderParameters;
    }

    /** Predicted class of each image, with running batch-norm statistics. */
    public int[] predict(INDArray images) {
        return Workspaces.run("predict", () -> {
            INDArray logits = network.forward(images, Mode.EVAL);
            return logits.argMax(1).toIntVector();
        });
    }
}
