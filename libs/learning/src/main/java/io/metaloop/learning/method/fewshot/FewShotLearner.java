package io.metaloop.learning.method.fewshot;

import io.metaloop.contracts.spec.Normalization;

/**
 * Something that classifies an episode's queries after seeing its support set: a meta-learner
 * adapting its weights, or nearest prototypes of frozen features. Each episode is independent of
 * every other: predictions are a function of the learner's state and the episode alone, so
 * evaluation can be sharded by trial and gives the same per-trial results on every replica.
 */
public interface FewShotLearner {
    /**
     * The predicted way (0 … N−1) of every query of the episode, after adapting to its support set.
     *
     * @param settings the test protocol's inner steps and batch-norm setting (unused where they do not apply)
     * @throws IllegalArgumentException when the episode does not fit the learner (e.g. more ways than a
     *                                  fixed head has outputs)
     */
    int[] predict(Episode episode, TestSettings settings);

    /** The per-channel normalisation the learner's inputs need, or null. */
    Normalization normalization();

    /**
     * How an episode is adapted to at test time.
     *
     * @param innerSteps steps of the inner loop (0 for none; unused without an inner loop)
     * @param batchNorm  the batch-norm setting
     */
    record TestSettings(int innerSteps, BatchNormSetting batchNorm) {
        public TestSettings {
            if (innerSteps < 0) {
                throw new IllegalArgumentException("inner steps must be >= 0, got " + innerSteps);
            }
        }
    }
}
