package io.metaloop.learning.method.fewshot;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Prototypical Networks (Snell, Swersky &amp; Zemel 2017): the backbone alone, trained so that each
 * query is nearest (squared Euclidean) to the mean feature of its class's support images
 * ({@link Prototypes}). Support and query go through the network as one batch, so in training the
 * batch statistics are the episode's (Snell's code); the running statistics are updated with the
 * {@code inductive} setting and used at test, or batch statistics are used at test too with
 * {@code transductive}. Training ways and shots may differ from the test's (60-way training).
 */
public final class ProtoNet extends MetaLearner {
    public static final String NAME = "protonet";

    private final BatchNormSetting batchNorm;

    public ProtoNet(Classifier encoder, ExperimentSpec spec) {
        super(NAME, encoder, spec.optimizer(), spec.epochs(), spec.seed(), Maml.shape(spec), 0, spec.normalize());
        this.batchNorm = BatchNormSetting.of(spec.protonet().batchNorm());
        if (batchNorm.episodic()) {
            throw new IllegalArgumentException("protonet.batchNorm: per-episode statistics are a MAML setting; use "
                    + "inductive or transductive");
        }
    }

    public static ProtoNet create(ExperimentSpec spec, DatasetInfo data) {
        return new ProtoNet(Classifier.create(ModelSpec.features(spec.backbone(), data.channels(), data.height(),
                data.width()), spec.seed(), DataType.FLOAT), spec);
    }

    @Override
    protected double accumulate(Episode episode, INDArray metaGradient) {
        Network net = model().network();
        Mode mode = batchNorm == BatchNormSetting.INDUCTIVE ? Mode.TRAIN : Mode.EPISODE;
        int supportRows = episode.supportLabels().length;
        INDArray features = net.forward(Nd4j.concat(0, episode.support(), episode.query()), mode);
        INDArray support = features.get(NDArrayIndex.interval(0, supportRows), NDArrayIndex.all());
        INDArray query = features.get(NDArrayIndex.interval(supportRows, features.size(0)), NDArrayIndex.all());
        Prototypes.Result r = Prototypes.evaluate(support, episode.supportLabels(), episode.ways(), query,
                episode.queryLabels());
        net.backward(Nd4j.concat(0, r.gradSupport(), r.gradQuery()));
        metaGradient.addi(net.gradients());
        return r.loss();
    }

    @Override
    public int[] predict(Episode episode, TestSettings settings) {
        return PrototypeLearner.predict(model().network(), episode, settings.batchNorm());
    }
}
