package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;

/**
 * A pull for few-shot episodes {@code [fromTrial, toTrial)} on {@link Topics#EPISODE_REQUESTS}.
 * episode-sampler answers with one frame per trial on {@link Topics#batches(String)} of
 * {@code streamId}: {@code ways·(shots+queries)} images, the support set (way by way, {@code shots}
 * each) then the query set (way by way, {@code queries} each); label level 0 is the way (the
 * episode's own label), level 1 the dataset's class. Trial {@code t} is a function of (seed, t)
 * alone, so a training run's meta-batches and an evaluation's 600 or 6,000 trials are the same
 * on every replica and every run, and evaluation can be sharded by trial range.
 *
 * <p>With {@code augment}, every image of the episode comes in {@code views} augmented copies,
 * view-major (block k holds view k of the whole episode), each a function of (seed, trial,
 * example, view).
 */
public record EpisodeRequest(String streamId, String dataset, String split, long seed, int ways, int shots,
                             int queries, long fromTrial, long toTrial,
                             @JacksonInject(value = Json.ABSENT + "augment", useInput = OptBoolean.TRUE) Augmentation augment) {
    public static final int MAX_WAYS = 1000;
    public static final int MAX_PER_CLASS = 1000;

    public EpisodeRequest {
        Messages.require("streamId", streamId);
        Messages.require("dataset", dataset);
        Messages.require("split", split);
        Topics.checkStreamId("streamId", streamId);
        augment = augment == null ? Augmentation.NONE : augment;
        if (ways < 1 || ways > MAX_WAYS) {
            throw new InvalidMessageException("ways", "must be between 1 and " + MAX_WAYS + ", got " + ways);
        }
        if (shots < 1 || shots > MAX_PER_CLASS) {
            throw new InvalidMessageException("shots", "must be between 1 and " + MAX_PER_CLASS + ", got " + shots);
        }
        if (queries < 0 || queries > MAX_PER_CLASS) {
            throw new InvalidMessageException("queries", "must be between 0 and " + MAX_PER_CLASS + ", got " + queries);
        }
        if (fromTrial < 0 || toTrial < fromTrial) {
            throw new InvalidMessageException("toTrial", "need 0 <= fromTrial <= toTrial, got [" + fromTrial + ", " + toTrial + ")");
        }
    }
}
