package io.metaloop.learning.method.fewshot;

import io.metaloop.contracts.spec.Normalization;
import io.metaloop.learning.Workspaces;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Few-shot classification by nearest prototype on frozen features: the standard baseline beside
 * the meta-learners, for any trained backbone (a supervised one included, its head dropped: see
 * {@link Classifier#encoderFromCheckpoint}). Nothing is adapted; queries go to the way whose mean
 * support feature is nearest in squared Euclidean distance.
 */
public final class PrototypeLearner implements FewShotLearner {
    private final Classifier encoder;
    private final Normalization normalization;

    /** @param encoder a model without a head (features out) */
    public PrototypeLearner(Classifier encoder, Normalization normalization) {
        this.encoder = encoder;
        this.normalization = normalization;
    }

    @Override
    public int[] predict(Episode episode, TestSettings settings) {
        return predict(encoder.network(), episode, settings.batchNorm());
    }

    @Override
    public Normalization normalization() {
        return normalization;
    }

    /**
     * Nearest prototypes with {@code net}'s features: running statistics (inductive), or the
     * statistics of the whole episode, support and queries together (transductive).
     */
    static int[] predict(Network net, Episode episode, BatchNormSetting setting) {
        Mode mode = setting == BatchNormSetting.TRANSDUCTIVE ? Mode.EPISODE : Mode.EVAL;
        int supportRows = episode.supportLabels().length;
        return Workspaces.run("prototypes", () -> {
            INDArray features = net.forward(Nd4j.concat(0, episode.support(), episode.query()), mode);
            INDArray support = features.get(NDArrayIndex.interval(0, supportRows), NDArrayIndex.all());
            INDArray query = features.get(NDArrayIndex.interval(supportRows, features.size(0)), NDArrayIndex.all());
            return Prototypes.logits(query, Prototypes.prototypes(support, episode.supportLabels(), episode.ways()))
                    .argMax(1).toIntVector();
        });
    }
}
