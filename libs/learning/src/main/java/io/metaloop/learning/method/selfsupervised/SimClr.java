package io.metaloop.learning.method.selfsupervised;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.SimClrSpec;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.BatchNorm1d;
import io.metaloop.learning.nn.LeakyRelu;
import io.metaloop.learning.nn.Linear;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.Sequential;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SimCLR (Chen et al. 2020) as the relational-reasoning seed implements it (seeds.md §2.6): two
 * views per image (view-major, [2B, C, H, W]), projection head Linear(F → 256) – BatchNorm1d –
 * LeakyReLU(0.01) – Linear(256 → 64), {@link ContrastiveLoss} at τ 0.5 in the seed's variant
 * (standard NT-Xent as an option). Optimiser: the experiment's (seed: Adam 1e-3, batch 128).
 */
public final class SimClr extends SelfSupervisedMethod {
    public static final String NAME = "simclr";

    private final int features;
    private final ContrastiveLoss loss;

    private SimClr(ModelSpec encoder, SimClrSpec section, int features, ExperimentSpec spec) {
        super(NAME, encoder, head(features, section), new long[] {features}, spec.optimizer(), spec.epochs(), spec.seed(),
                spec.normalize());
        this.features = features;
        this.loss = new ContrastiveLoss(section.loss(), section.temperature());
    }

    public static SimClr create(ExperimentSpec spec, DatasetInfo data) {
        if (spec.augment().views() != 2) {
            throw new IllegalArgumentException("SimCLR contrasts exactly 2 views of each image, got " + spec.augment().views());
        }
        ModelSpec encoder = ModelSpec.features(spec.backbone(), data.channels(), data.height(), data.width());
        return new SimClr(encoder, spec.simclr(), featureSize(encoder), spec);
    }

    private static Sequential head(int features, SimClrSpec section) {
        return Sequential.builder()
                .add("linear1", new Linear(features, section.hidden()))
                .add("bn1", new BatchNorm1d(section.hidden()))
                .add("act", new LeakyRelu(0.01))
                .add("linear2", new Linear(section.hidden(), section.projection()))
                .build();
    }

    @Override
    protected Objective objective(INDArray featureRows, BatchFrame batch) {
        int rows = (int) featureRows.size(0);
        Network head = head();
        INDArray embeddings = head.forward(featureRows, Mode.TRAIN);
        ContrastiveLoss.Result result = loss.evaluate(Nd4j.toFlattened('c', embeddings.castTo(DataType.DOUBLE)).toDoubleVector(), rows);
        INDArray gradEmbeddings = Nd4j.createFromArray(result.gradEmbeddings()).reshape('c', embeddings.shape())
                .castTo(embeddings.dataType());
        INDArray gradFeatures = head.backward(gradEmbeddings);
        return new Objective(result.loss(), gradFeatures, result.accuracy());
    }

    int features() {
        return features;
    }
}
