package io.metaloop.contracts;

import java.util.regex.Pattern;

/** Kafka topic names. Keys are experiment ids unless stated otherwise. */
public final class Topics {
    /** Compacted; key = experiment id, value = {@link ExperimentRecord}: the source of truth for experiment state. */
    public static final String EXPERIMENTS = "metaloop.experiments";
    /** Training jobs ({@link TrainJob}), consumed by trainers through a share group, one job per idle trainer. */
    public static final String JOBS = "metaloop.jobs";
    /** {@link JobEvent}s from trainers and evaluators. */
    public static final String JOB_EVENTS = "metaloop.job-events";
    /** {@link BatchRequest}s to dataset-service; key = stream id. */
    public static final String BATCH_REQUESTS = "metaloop.batch-requests";
    /** Evaluation jobs ({@link EvalRequest}), consumed by evaluators through a share group. */
    public static final String EVAL_REQUESTS = "metaloop.eval-requests";
    /** {@link EpisodeRequest}s to episode-sampler; key = stream id. */
    public static final String EPISODE_REQUESTS = "metaloop.episode-requests";
    /** {@link EvalResult}s. */
    public static final String EVAL_RESULTS = "metaloop.eval-results";

    /** Share group of trainer-service replicas on {@link #JOBS}. */
    public static final String TRAINERS_GROUP = "metaloop-trainers";
    /** Share group of evaluator-service replicas on {@link #EVAL_REQUESTS}. */
    public static final String EVALUATORS_GROUP = "metaloop-evaluators";

    private static final String BATCHES_PREFIX = "metaloop.batches.";
    private static final Pattern STREAM_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private Topics() {
    }

    /**
     * Checks a message's stream id, which names its reply topic ({@link #batches}).
     *
     * @throws InvalidMessageException naming {@code field} when the id is not a valid topic suffix
     */
    static void checkStreamId(String field, String streamId) {
        if (!STREAM_ID.matcher(streamId).matches()) {
            throw new InvalidMessageException(field, "must be 1 to 200 letters, digits, '.', '_' or '-' (it names the "
                    + "reply topic), got '" + (streamId.length() > 80 ? streamId.substring(0, 80) + "…" : streamId) + "'");
        }
    }

    /** Per-stream topic carrying binary batch frames from dataset-service to one consumer. */
    public static String batches(String streamId) {
        if (!STREAM_ID.matcher(streamId).matches()) {
            throw new IllegalArgumentException("stream id must match " + STREAM_ID + ": " + streamId);
        }
        return BATCHES_PREFIX + streamId;
    }
}
