package io.metaloop.learning.eval;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.learning.method.fewshot.Episode;
import io.metaloop.learning.method.fewshot.FewShotLearner;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Scores few-shot trials one at a time: each episode frame is adapted to and its queries are
 * classified by a {@link FewShotLearner}. A trial's result depends on the learner and the episode
 * alone, so trials can be scored in any order, on any replica.
 */
public final class FewShotTrials {
    private final FewShotLearner learner;
    private final Episode.Shape shape;
    private final FewShotLearner.TestSettings settings;
    private final DataType dataType;

    public FewShotTrials(FewShotLearner learner, Episode.Shape shape, FewShotLearner.TestSettings settings, DataType dataType) {
        this.learner = learner;
        this.shape = shape;
        this.settings = settings;
        this.dataType = dataType;
    }

    /**
     * One trial's result.
     *
     * @param trial   the trial index (the frame's batch index)
     * @param correct queries classified correctly
     * @param queries queries in the episode
     */
    public record Trial(long trial, int correct, int queries) {
        public double accuracy() {
            return (double) correct / queries;
        }
    }

    /**
     * Scores one episode frame (support way by way, then queries way by way, the way as label 0).
     *
     * @throws IllegalArgumentException when the frame is not one episode of the protocol's shape
     */
    public Trial score(BatchFrame frame) {
        var episodes = Episode.split(frame, shape, dataType, learner.normalization());
        if (episodes.size() != 1) {
            throw new IllegalArgumentException("trial " + frame.batchIndex() + " holds " + episodes.size()
                    + " episodes, expected 1");
        }
        Episode episode = episodes.get(0);
        int[] predicted = learner.predict(episode, settings);
        int correct = 0;
        for (int q = 0; q < predicted.length; q++) {
            if (predicted[q] == episode.queryLabels()[q]) {
                correct++;
            }
        }
        return new Trial(frame.batchIndex(), correct, predicted.length);
    }
}
