package io.metaloop.learning.eval;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.spec.EvaluationSpec;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.method.Methods;
import io.metaloop.learning.method.TrainingMethod;
import io.metaloop.learning.method.fewshot.FewShotLearner;
import io.metaloop.learning.method.fewshot.PrototypeLearner;
import io.metaloop.learning.model.Classifier;

/** The learner a few-shot test runs: a trained method around its checkpoint, or prototypes of its frozen features. */
public final class FewShotLearners {
    private FewShotLearners() {
    }

    /**
     * @param spec    the experiment that wrote the checkpoint
     * @param dataset the catalogue entry of its training dataset (image shape and classes)
     * @throws IllegalArgumentException when the method head is asked of a method that has none for
     *                                  episodes (a batch-trained one: use the prototype head)
     * @throws io.metaloop.learning.checkpoint.CheckpointException when the checkpoint does not fit the spec
     */
    public static FewShotLearner fromCheckpoint(Checkpoint checkpoint, ExperimentSpec spec, DatasetInfo dataset,
                                                EvaluationSpec evaluation) {
        if ("prototype".equals(evaluation.head())) {
            return new PrototypeLearner(Classifier.encoderFromCheckpoint(checkpoint), spec.normalize());
        }
        TrainingMethod method = Methods.create(spec, dataset);
        if (!(method instanceof FewShotLearner learner)) {
            throw new IllegalArgumentException("method '" + spec.method() + "' has no few-shot adaptation of its own; "
                    + "evaluate it with head 'prototype'");
        }
        method.restore(checkpoint);
        return learner;
    }
}
