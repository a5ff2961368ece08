package io.metaloop.learning.method.auxiliary;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.learning.backbone.Backbones;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Mode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MAXL's "Single" baseline (seeds.md §1.5, model_vgg_single.py): the primary task alone — backbone,
 * MLP classifier to the primary level's classes, focal loss (γ 2) on its probabilities, one
 * optimiser step per batch.
 */
public final class Single extends AuxiliaryLearning {
    public static final String NAME = "single";

    private Single(ExperimentSpec spec, DatasetInfo data) {
        super(NAME, spec.auxiliary(), evalSpec(spec, data, spec.auxiliary().primaryLevel()),
                () -> Backbones.create(spec.backbone(), data.channels(), data.height(), data.width()), 0, spec.optimizer(),
                spec.epochs(), spec.seed(), spec.normalize(), DataType.FLOAT);
    }

    public static Single create(ExperimentSpec spec, DatasetInfo data) {
        return new Single(spec, data);
    }

    /**
     * The evaluated model of the family: the backbone with an MLP head to the classes of {@code level}.
     *
     * @throws IllegalArgumentException when the dataset has no such level
     */
    static ModelSpec evalSpec(ExperimentSpec spec, DatasetInfo data, int level) {
        return new ModelSpec(spec.backbone(), data.channels(), data.height(), data.width(), classesOf(spec, data, level, "primaryLevel"),
                ModelSpec.Head.MLP_HEAD);
    }

    /** Classes of a label level of the dataset; the error names {@code <method>.<field>}. */
    static int classesOf(ExperimentSpec spec, DatasetInfo data, int level, String field) {
        if (level >= data.levels().size()) {
            throw new IllegalArgumentException(spec.method() + "." + field + " is " + level + " but dataset '" + data.name()
                    + "' has " + data.levels().size() + " label level(s) " + data.levels().stream().map(DatasetInfo.Level::name).toList()
                    + "; import it with --hierarchy to add levels");
        }
        return data.levels().get(level).classes().size();
    }

    @Override
    protected double train(INDArray images, BatchFrame batch, int epoch, int pass, double rate) {
        int[] primary = primaryLabels(batch);
        int rows = primary.length;
        INDArray logits = multiTask().forward(images, Mode.TRAIN);
        ProbabilityFocalLoss.Result loss = focal().evaluate(doubles(logits), ProbabilityFocalLoss.oneHot(primary, primaryClasses()),
                rows);
        multiTask().backward(matrix(loss.gradLogits(), rows, logits.dataType()));
        optimizer().step(multiTask().params(), multiTask().gradients(), rate);
        return loss.loss();
    }
}
