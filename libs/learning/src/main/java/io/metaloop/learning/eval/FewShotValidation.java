package io.metaloop.learning.eval;

import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.MamlSpec;
import io.metaloop.contracts.spec.ValidationSpec;
import io.metaloop.learning.method.TrainingMethod;
import io.metaloop.learning.method.fewshot.BatchNormSetting;
import io.metaloop.learning.method.fewshot.Episode;
import io.metaloop.learning.method.fewshot.FewShotLearner;
import io.metaloop.learning.train.Validation;

/**
 * Meta-validation of a few-shot method: the same fixed trials of the validation split after every
 * epoch (PyTorch-MAML reseeds its validation sampler every epoch), each adapted to with the
 * method's training-time inner loop in test mode (the seed validates with its training
 * {@code inner_args} and {@code meta_train=False}), scored by mean query accuracy.
 */
public final class FewShotValidation implements Validation {
    /** Delivers the episode frames of trials [from, to) in order. */
    @FunctionalInterface
    public interface Trials {
        void forEach(long from, long to, java.util.function.Consumer<BatchFrame> frame) throws InterruptedException;
    }

    private final Trials trials;
    private final ValidationSpec spec;
    private final FewShotLearner.TestSettings settings;

    public FewShotValidation(Trials trials, ExperimentSpec experiment) {
        this.trials = trials;
        this.spec = experiment.validation();
        this.settings = validationSettings(experiment);
    }

    /** The training-time inner steps and the method's batch-norm setting. */
    public static FewShotLearner.TestSettings validationSettings(ExperimentSpec spec) {
        Object section = spec.section();
        if (section instanceof MamlSpec m) {
            return new FewShotLearner.TestSettings(m.inner().steps(), BatchNormSetting.of(m.batchNorm()));
        }
        if (section instanceof io.metaloop.contracts.spec.ReptileSpec r) {
            return new FewShotLearner.TestSettings(r.steps(), BatchNormSetting.of(r.batchNorm()));
        }
        if (section instanceof io.metaloop.contracts.spec.ProtoNetSpec p) {
            return new FewShotLearner.TestSettings(0, BatchNormSetting.of(p.batchNorm()));
        }
        throw new IllegalArgumentException("method '" + spec.method() + "' has no few-shot validation");
    }

    /** The settings of a test protocol: its inner steps (0 where none apply) and batch-norm setting. */
    public static FewShotLearner.TestSettings testSettings(io.metaloop.contracts.spec.EvaluationSpec evaluation) {
        return new FewShotLearner.TestSettings(evaluation.innerSteps() == null ? 0 : evaluation.innerSteps(),
                BatchNormSetting.of(evaluation.batchNorm()));
    }

    @Override
    public Score validate(TrainingMethod method, int epochsDone) throws InterruptedException {
        if (!(method instanceof FewShotLearner learner)) {
            throw new IllegalArgumentException("method '" + method.name() + "' cannot be validated on episodes");
        }
        long start = System.nanoTime();
        FewShotTrials scorer = new FewShotTrials(learner, new Episode.Shape(spec.ways(), spec.shots(), spec.queries()),
                settings, method.model().network().dataType());
        double[] accuracies = new double[spec.trials()];
        int[] seen = {0};
        trials.forEach(0, spec.trials(), frame -> accuracies[seen[0]++] = scorer.score(frame).accuracy());
        if (seen[0] != spec.trials()) {
            throw new IllegalStateException("validation received " + seen[0] + " of " + spec.trials() + " trials");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (accuracies.length < 2) {
            return new Score(accuracies[0], Double.NaN, 1, seconds);
        }
        AccuracySummary summary = AccuracySummary.of(accuracies, 0);
        return new Score(summary.mean(), summary.ci95T(), accuracies.length, seconds);
    }
}
