package io.metaloop.learning.method.selfsupervised;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.RelationalReasoningSpec;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.BatchNorm1d;
import io.metaloop.learning.nn.LeakyRelu;
import io.metaloop.learning.nn.Linear;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.Sequential;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Self-supervised relational reasoning (Patacchiola &amp; Storkey, NeurIPS 2020; seeds.md §2.5).
 * A batch of B images arrives with K augmented views each, view-major ([K·B, C, H, W]); one
 * backbone forward gives [K·B, F]; {@link RelationPairs} makes K(K−1)·B pairs (positives: two
 * views of one image; negatives by the seed's rolling shift); the relation head
 * Linear(2F or F → hidden) – BatchNorm1d – LeakyReLU(0.01) – Linear(hidden → 1) scores each pair;
 * the loss is the sigmoid focal loss (γ 2, α 0.5) or plain BCE. Optimiser: the experiment's
 * (seed: Adam 1e-3, batch 64, K 32).
 *
 * <p>A batch of one image is refused (its negative would be the image itself); the trainer drops
 * an epoch's last incomplete batch, the seed's quirk of a size-1 last batch fixed (seeds.md §2.10).
 */
public final class RelationalReasoning extends SelfSupervisedMethod {
    public static final String NAME = "relational-reasoning";

    private final int views;
    private final int features;
    private final String aggregation;
    private final SigmoidFocalLoss loss;
    private RelationPairs pairs;

    public RelationalReasoning(ModelSpec encoder, RelationalReasoningSpec section, int views, ExperimentSpec spec) {
        this(encoder, section, views, featureSize(encoder), spec);
    }

    private RelationalReasoning(ModelSpec encoder, RelationalReasoningSpec section, int views, int features,
                                ExperimentSpec spec) {
        super(NAME, encoder, head(features, section), new long[] {headWidth(features, section.aggregation())},
                spec.optimizer(), spec.epochs(), spec.seed(), spec.normalize());
        if (views < 2) {
            throw new IllegalArgumentException("relational reasoning needs K >= 2 views per image, got " + views);
        }
        this.views = views;
        this.features = features;
        this.aggregation = section.aggregation();
        this.loss = "bce".equals(section.loss()) ? SigmoidFocalLoss.binaryCrossEntropy()
                : SigmoidFocalLoss.focal(section.focalGamma(), section.focalAlpha());
    }

    public static RelationalReasoning create(ExperimentSpec spec, DatasetInfo data) {
        return new RelationalReasoning(ModelSpec.features(spec.backbone(), data.channels(), data.height(), data.width()),
                spec.relationalReasoning(), spec.augment().views(), spec);
    }

    private static int headWidth(int features, String aggregation) {
        return "cat".equals(aggregation) ? 2 * features : features;
    }

    /** The seed's relation head: Linear – BatchNorm1d – LeakyReLU(0.01) – Linear to one logit. */
    private static Sequential head(int features, RelationalReasoningSpec section) {
        return Sequential.builder()
                .add("linear1", new Linear(headWidth(features, section.aggregation()), section.hidden()))
                .add("bn1", new BatchNorm1d(section.hidden()))
                .add("act", new LeakyRelu(0.01))
                .add("linear2", new Linear(section.hidden(), 1))
                .build();
    }

    @Override
    protected Objective objective(INDArray featureRows, BatchFrame batch) {
        int rows = (int) featureRows.size(0);
        if (rows % views != 0) {
            throw new IllegalArgumentException("a batch of " + rows + " images is not " + views + " views of whole images");
        }
        int images = rows / views;
        if (pairs == null || pairs.count() != views * (views - 1) * images) {
            pairs = new RelationPairs(images, views, features, aggregation);
        }
        float[] f = Nd4j.toFlattened('c', featureRows).toFloatVector();
        INDArray input = Nd4j.create(pairs.aggregate(f), new long[] {pairs.count(), pairs.width()}, 'c');
        Network head = head();
        INDArray logits = head.forward(input, Mode.TRAIN);
        SigmoidFocalLoss.Result result = loss.evaluate(Nd4j.toFlattened('c', logits).toFloatVector(), pairs.targets());
        INDArray gradInput = head.backward(Nd4j.create(result.gradLogits(), new long[] {pairs.count(), 1}, 'c'));
        float[] gradFeatures = pairs.backward(f, Nd4j.toFlattened('c', gradInput).toFloatVector());
        return new Objective(result.loss(), Nd4j.create(gradFeatures, new long[] {rows, features}, 'c'), result.accuracy());
    }
}
