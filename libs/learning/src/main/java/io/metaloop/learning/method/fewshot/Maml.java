package io.metaloop.learning.method.fewshot;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.spec.MamlSpec;
import io.metaloop.learning.model.Classifier;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * MAML (Finn, Abbeel &amp; Levine 2017) as PyTorch-MAML runs it: second-order meta-gradient through
 * every inner step, by Hessian-vector products (see {@link InnerLoop}). Also the class of
 * {@code fomaml} (first order: the spec's {@code firstOrder} is true) and {@code anil} (Raghu et al.
 * 2020: the encoder frozen in the inner loop, {@code inner.frozen = [encoder]}): the same algorithm
 * under the names users know, their differences being their sections' defaults.
 */
public final class Maml extends GradientMetaLearner {
    public static final String NAME = "maml";
    public static final String FOMAML = "fomaml";
    public static final String ANIL = "anil";

    public Maml(String name, Classifier model, MamlSpec config, ExperimentSpec spec) {
        super(name, model, config, spec.optimizer(), spec.epochs(), spec.seed(), shape(spec), spec.normalize());
    }

    /** The method {@code spec.method()} (maml, fomaml or anil) for a dataset's image shape, in float. */
    public static Maml create(ExperimentSpec spec, DatasetInfo data) {
        MamlSpec config = spec.gradientMeta();
        Classifier model = model(spec.backbone(), data.channels(), data.height(), data.width(), spec.episodes().ways(),
                config, spec.seed(), DataType.FLOAT);
        return new Maml(spec.method(), model, config, spec);
    }

    static Episode.Shape shape(ExperimentSpec spec) {
        return new Episode.Shape(spec.episodes().ways(), spec.episodes().shots(), spec.episodes().queries());
    }
}
