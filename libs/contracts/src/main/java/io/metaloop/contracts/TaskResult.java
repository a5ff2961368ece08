package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.time.Instant;
import java.util.List;

/**
 * What became of a user's own task ({@link FewShotTask}): stored by the evaluator as
 * {@code tasks/<taskId>/result.json} and served by the gateway at {@code GET /api/v1/tasks/<taskId>}
 * (which answers {@link #PENDING} while there is no result yet).
 *
 * @param taskId        the task
 * @param experimentId  the experiment whose checkpoint classified it
 * @param state         {@link #SUCCEEDED}, {@link #FAILED} or (only from the gateway) {@link #PENDING}
 * @param checkpoint    "best" or "last"
 * @param checkpointKey the checkpoint's object-store key
 * @param head          "method" (the method's own adaptation) or "prototype" (nearest class mean of frozen features)
 * @param classes       the task's class names
 * @param predictions   one per query, in the order of the task's queries (SUCCEEDED only)
 * @param labelled      queries with a known class (SUCCEEDED only; 0 for an unlabelled task)
 * @param correct       of those, how many were predicted right (labelled tasks only)
 * @param accuracy      correct / labelled, in [0, 1] (labelled tasks only)
 * @param error         why it failed (FAILED only)
 * @param worker        the evaluator replica that ran it
 * @param seconds       wall time of loading, predicting and storing, seconds
 * @param finishedAt    when the result was written
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskResult(
        String taskId,
        @JacksonInject(value = Json.ABSENT + "experimentId", useInput = OptBoolean.TRUE) String experimentId,
        String state,
        @JacksonInject(value = Json.ABSENT + "checkpoint", useInput = OptBoolean.TRUE) String checkpoint,
        @JacksonInject(value = Json.ABSENT + "checkpointKey", useInput = OptBoolean.TRUE) String checkpointKey,
        @JacksonInject(value = Json.ABSENT + "head", useInput = OptBoolean.TRUE) String head,
        @JacksonInject(value = Json.ABSENT + "classes", useInput = OptBoolean.TRUE) List<String> classes,
        @JacksonInject(value = Json.ABSENT + "predictions", useInput = OptBoolean.TRUE) List<Prediction> predictions,
        @JacksonInject(value = Json.ABSENT + "labelled", useInput = OptBoolean.TRUE) Integer labelled,
        @JacksonInject(value = Json.ABSENT + "correct", useInput = OptBoolean.TRUE) Integer correct,
        @JacksonInject(value = Json.ABSENT + "accuracy", useInput = OptBoolean.TRUE) Double accuracy,
        @JacksonInject(value = Json.ABSENT + "error", useInput = OptBoolean.TRUE) String error,
        @JacksonInject(value = Json.ABSENT + "worker", useInput = OptBoolean.TRUE) String worker,
        @JacksonInject(value = Json.ABSENT + "seconds", useInput = OptBoolean.TRUE) Double seconds,
        @JacksonInject(value = Json.ABSENT + "finishedAt", useInput = OptBoolean.TRUE) Instant finishedAt) {
    public static final String PENDING = "PENDING";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";

    /**
     * One query's prediction.
     *
     * @param query     the query's name (its path under {@code query/} in the upload)
     * @param predicted the predicted class name
     * @param actual    the query's class when the task is labelled, else null
     * @param correct   whether predicted equals actual (labelled tasks only)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Prediction(String query, String predicted,
                             @JacksonInject(value = Json.ABSENT + "actual", useInput = OptBoolean.TRUE) String actual,
                             @JacksonInject(value = Json.ABSENT + "correct", useInput = OptBoolean.TRUE) Boolean correct) {
        public Prediction {
            Messages.require("query", query);
            Messages.require("predicted", predicted);
        }
    }

    /** @throws InvalidMessageException when a required field is missing or the state is unknown */
    public TaskResult {
        Messages.require("taskId", taskId);
        Messages.require("state", state);
        if (!List.of(PENDING, SUCCEEDED, FAILED).contains(state)) {
            throw new InvalidMessageException("state", "must be one of PENDING, SUCCEEDED, FAILED, got '" + state + "'");
        }
        classes = classes == null ? null : List.copyOf(classes);
        predictions = predictions == null ? null : List.copyOf(predictions);
    }

    /** The gateway's answer while the evaluator has not written a result. */
    public static TaskResult pending(String taskId, String experimentId) {
        return new TaskResult(taskId, experimentId, PENDING, null, null, null, null, null, null, null, null, null, null,
                null, null);
    }

    /**
     * A finished task: counts and accuracy are derived from the predictions (queries with an
     * {@code actual} class are the labelled ones).
     */
    public static TaskResult succeeded(String taskId, String experimentId, String checkpoint, String checkpointKey,
                                       String head, List<String> classes, List<Prediction> predictions, String worker,
                                       double seconds, Instant finishedAt) {
        int labelled = 0;
        int correct = 0;
        for (Prediction p : predictions) {
            if (p.actual() != null) {
                labelled++;
                correct += p.predicted().equals(p.actual()) ? 1 : 0;
            }
        }
        return new TaskResult(taskId, experimentId, SUCCEEDED, checkpoint, checkpointKey, head, classes, predictions,
                labelled, labelled > 0 ? correct : null, labelled > 0 ? (double) correct / labelled : null, null, worker,
                seconds, finishedAt);
    }

    /** A task that could not be classified, with the reason. */
    public static TaskResult failed(String taskId, String experimentId, String checkpoint, String checkpointKey, String head,
                                    String error, String worker, double seconds, Instant finishedAt) {
        return new TaskResult(taskId, experimentId, FAILED, checkpoint, checkpointKey, head, null, null, null, null, null,
                error, worker, seconds, finishedAt);
    }
}
