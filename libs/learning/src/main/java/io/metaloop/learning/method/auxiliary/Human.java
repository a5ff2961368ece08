package io.metaloop.learning.method.auxiliary;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.learning.backbone.Backbones;
import io.metaloop.learning.nn.Mode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MAXL's "Human" baseline (seeds.md §1.5, model_vgg_human.py): the primary task plus a human label
 * level as auxiliary task (CIFAR-100: 20 coarse primary classes, the 100 fine labels auxiliary) —
 * two MLP heads on one backbone, focal losses summed, one optimiser step per batch.
 */
public final class Human extends AuxiliaryLearning {
    public static final String NAME = "human";

    private Human(ExperimentSpec spec, DatasetInfo data) {
        super(NAME, spec.auxiliary(), Single.evalSpec(spec, data, spec.auxiliary().primaryLevel()),
                () -> Backbones.create(spec.backbone(), data.channels(), data.height(), data.width()),
                Single.classesOf(spec, data, spec.auxiliary().auxiliaryLevel(), "auxiliaryLevel"), spec.optimizer(), spec.epochs(),
                spec.seed(), spec.normalize(), DataType.FLOAT);
    }

    public static Human create(ExperimentSpec spec, DatasetInfo data) {
        return new Human(spec, data);
    }

    @Override
    protected double train(INDArray images, BatchFrame batch, int epoch, int pass, double rate) {
        int[] primary = primaryLabels(batch);
        int[] auxiliary = levelLabels(batch, settings().auxiliaryLevel(), "auxiliaryLevel", auxiliaryClasses());
        int rows = primary.length;
        INDArray logits = multiTask().forward(images, Mode.TRAIN);
        double[] all = doubles(logits);
        ProbabilityFocalLoss.Result primaryLoss = focal().evaluate(columns(all, rows, 0, primaryClasses()),
                ProbabilityFocalLoss.oneHot(primary, primaryClasses()), rows);
        ProbabilityFocalLoss.Result auxiliaryLoss = focal().evaluate(columns(all, rows, primaryClasses(), auxiliaryClasses()),
                ProbabilityFocalLoss.oneHot(auxiliary, auxiliaryClasses()), rows);
        multiTask().backward(matrix(sideBySide(primaryLoss.gradLogits(), auxiliaryLoss.gradLogits(), rows), rows,
                logits.dataType()));
        optimizer().step(multiTask().params(), multiTask().gradients(), rate);
        return primaryLoss.loss() + auxiliaryLoss.loss();
    }
}
