package io.metaloop.storage;

/**
 * The object-store layout (one bucket, default {@code metaloop}):
 *
 * <pre>
 * datasets/&lt;name&gt;/manifest.json                 catalogue entry, written last by an import
 * datasets/&lt;name&gt;/&lt;import&gt;/&lt;split&gt;/shard-NNNNN.mlbf   canonical shards of one import (frames, CRC32C)
 * checkpoints/&lt;experiment&gt;/epoch-NNNN.ckpt       checkpoint after NNNN epochs (SHA-256-sealed zip)
 * checkpoints/&lt;experiment&gt;/epoch-NNNN-batch-BBBBBBB.ckpt  inside epoch NNNN, BBBBBBB batches in (kept until the next)
 * checkpoints/&lt;experiment&gt;/latest.json          pointer to the newest complete checkpoint ("last")
 * checkpoints/&lt;experiment&gt;/best.json            pointer to the best meta-validated epoch's checkpoint, with its score
 * checkpoints/&lt;experiment&gt;/attempt-N/...          the same files written by training attempt N ≥ 2 (attempt 1 writes
 *                                                the flat layout above); "latest" and "best" are those of the highest
 *                                                attempt that has a latest.json, which also fences older attempts off
 * reports/&lt;experiment&gt;/evaluation.json         whole-split or linear-evaluation result
 * features/&lt;experiment&gt;/&lt;hash&gt;.mlft         cached backbone features of one split (linear evaluation); the hash
 *                                                covers checkpoint, dataset, split, label level and normalisation
 * reports/&lt;experiment&gt;/&lt;evaluation&gt;/shard-FFFFFFF-TTTTTTT.json  per-trial results of trials [F, T) of a few-shot test
 * reports/&lt;experiment&gt;/&lt;evaluation&gt;/report.json  the merged few-shot report: protocol, settings, summary, every trial
 * tasks/&lt;task&gt;/episode.mlbf, tasks/&lt;task&gt;/task.json, tasks/&lt;task&gt;/result.json   a user's own task and its predictions
 * </pre>
 */
public final class ObjectKeys {
    private ObjectKeys() {
    }

    public static String checkpoint(String experimentId, int epochsDone) {
        return checkpoint(experimentId, 1, epochsDone);
    }

    /**
     * The folder of training attempt {@code attempt}'s checkpoints and pointers: {@code checkpoints/<id>/} for
     * attempt 1, {@code checkpoints/<id>/attempt-<N>/} for a later one.
     */
    public static String checkpointFolder(String experimentId, int attempt) {
        return attempt <= 1 ? "checkpoints/" + experimentId + "/"
                : String.format("checkpoints/%s/attempt-%d/", experimentId, attempt);
    }

    /** The attempt a key of {@link #checkpointFolder} belongs to. */
    public static int attemptOf(String key) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^checkpoints/[^/]+/attempt-(\\d+)/").matcher(key);
        return m.find() ? Integer.parseInt(m.group(1)) : 1;
    }

    public static String checkpoint(String experimentId, int attempt, int epochsDone) {
        return String.format("%sepoch-%04d.ckpt", checkpointFolder(experimentId, attempt), epochsDone);
    }

    /**
     * The checkpoint taken {@code batch} batches into epoch {@code epoch} (epochs done: {@code epoch}); names sort
     * in training order, after the end-of-epoch checkpoint that precedes them.
     */
    public static String checkpointInsideEpoch(String experimentId, int epoch, long batch) {
        return checkpointInsideEpoch(experimentId, 1, epoch, batch);
    }

    public static String checkpointInsideEpoch(String experimentId, int attempt, int epoch, long batch) {
        return String.format("%sepoch-%04d-batch-%07d.ckpt", checkpointFolder(experimentId, attempt), epoch, batch);
    }

    /** Whether a key names a checkpoint taken inside an epoch (one that a later checkpoint makes redundant). */
    public static boolean isCheckpointInsideEpoch(String key) {
        return key.startsWith("checkpoints/") && key.matches(".*/epoch-\\d{4}-batch-\\d{7}\\.ckpt");
    }

    public static String latestCheckpoint(String experimentId) {
        return latestCheckpoint(experimentId, 1);
    }

    public static String latestCheckpoint(String experimentId, int attempt) {
        return checkpointFolder(experimentId, attempt) + "latest.json";
    }

    public static String bestCheckpoint(String experimentId) {
        return bestCheckpoint(experimentId, 1);
    }

    public static String bestCheckpoint(String experimentId, int attempt) {
        return checkpointFolder(experimentId, attempt) + "best.json";
    }

    /** The folder of one few-shot evaluation's shards and report. */
    public static String fewShotEvaluation(String experimentId, String evaluationId) {
        return "reports/" + experimentId + "/" + evaluationId + "/";
    }

    /** Trials [from, to) of a few-shot evaluation; names sort in trial order. */
    public static String fewShotShard(String experimentId, String evaluationId, long fromTrial, long toTrial) {
        return String.format("%sshard-%07d-%07d.json", fewShotEvaluation(experimentId, evaluationId), fromTrial, toTrial);
    }

    public static String fewShotReport(String experimentId, String evaluationId) {
        return fewShotEvaluation(experimentId, evaluationId) + "report.json";
    }

    /** The folder of a user's own task. */
    public static String task(String taskId) {
        return "tasks/" + taskId + "/";
    }

    /** A user's task as one frame: support images, then queries, converted to the model's image shape. */
    public static String taskEpisode(String taskId) {
        return task(taskId) + "episode.mlbf";
    }

    /** A user's task as asked for: the evaluation request with its task part (JSON). */
    public static String taskRequest(String taskId) {
        return task(taskId) + "task.json";
    }

    /** The predictions on a user's task, or why there are none (JSON, written by the evaluator). */
    public static String taskResult(String taskId) {
        return task(taskId) + "result.json";
    }

    /** Cached features of one split under one checkpoint; {@code hash} identifies checkpoint, split and preprocessing. */
    public static String features(String experimentId, String hash) {
        return "features/" + experimentId + "/" + hash + ".mlft";
    }

    public static String evaluationReport(String experimentId) {
        return "reports/" + experimentId + "/evaluation.json";
    }
}
