package io.metaloop.learning.method.auxiliary;

import io.metaloop.datasets.SplitMix64;
import io.metaloop.learning.backbone.Backbone;
import io.metaloop.learning.backbone.Backbones;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MAXL's label-generation network (seeds.md §1.3): its own backbone ({@code encoder.*}) and an MLP
 * head ({@code head.*}, Linear(F, F) – ReLU – Linear(F, A)) giving logits [N, A], turned into soft
 * auxiliary labels by the {@link MaskSoftmax} of each image's primary class. Starts as the seed's:
 * Xavier-normal head and (for VGG-16, the seed's network) Xavier-normal convolutions, zero biases.
 * Runs in training mode (batch statistics) as the seed's generator always does.
 */
public final class LabelGenerator {
    private static final long GENERATOR_STREAM = 0x47454E4552L;

    private final Network network;
    private final Psi psi;
    private final double maskEpsilon;

    LabelGenerator(Backbone backbone, ModelSpec evalSpec, Psi psi, double maskEpsilon, long seed, DataType dataType) {
        this.psi = psi;
        this.maskEpsilon = maskEpsilon;
        long generatorSeed = SplitMix64.keyed(seed, GENERATOR_STREAM).nextLong();
        this.network = new Network(Sequential.builder().add("encoder", backbone.layer())
                .add("head", Classifier.mlpHead(backbone.featureSize(), psi.auxiliaryClasses())).build(), evalSpec.inputShape(),
                dataType, generatorSeed);
        boolean vgg = "vgg16".equals(evalSpec.backbone());
        AuxiliaryLearning.xavier(network, name -> name.startsWith("head.") || vgg, true, generatorSeed + 1);
    }

    /**
     * The generator a {@code maxl} checkpoint holds, for reports on what it learned.
     *
     * @throws io.metaloop.learning.checkpoint.CheckpointException when the checkpoint lacks its arrays
     */
    public static LabelGenerator fromCheckpoint(Checkpoint checkpoint) {
        float[] blocks = checkpoint.extra("maxl.psi");
        List<Integer> psi = new ArrayList<>();
        for (float b : blocks) {
            psi.add(Math.round(b));
        }
        ModelSpec spec = checkpoint.model();
        LabelGenerator generator = new LabelGenerator(Backbones.create(spec.backbone(), spec.channels(), spec.height(), spec.width()),
                spec, new Psi(psi), checkpoint.extra("maxl.maskEpsilon")[0], checkpoint.seed(), DataType.FLOAT);
        AuxiliaryLearning.assign(generator.network.params(), checkpoint.extra("generator.params"), "generator.params");
        AuxiliaryLearning.assign(generator.network.buffers(), checkpoint.extra("generator.buffers"), "generator.buffers");
        return generator;
    }

    public Network network() {
        return network;
    }

    public Psi psi() {
        return psi;
    }

    public double maskEpsilon() {
        return maskEpsilon;
    }

    /**
     * Soft auxiliary labels t [N, A] (row-major) of normalised images [N, C, H, W] with primary classes
     * y; a training-mode forward (the seed's), which leaves the cache for {@link Network#backward}.
     */
    public double[] generate(INDArray images, int[] primary) {
        INDArray logits = network.forward(images, Mode.TRAIN);
        return MaskSoftmax.forward(AuxiliaryLearning.doubles(logits), primary, psi, maskEpsilon);
    }
}
