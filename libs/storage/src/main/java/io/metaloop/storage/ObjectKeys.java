package io.metaloop.storage;

/**
 * The object-store layout (one bucket, default {@code metaloop}):
 *
 * <pre>
 * datasets/&lt;name&gt;/manifest.json                 catalogue entry, written last by an import
 * datasets/&lt;name&gt;/&lt;import&gt;/&lt;split&gt;/shard-NNNNN.mlbf   canonical shards of one import (frames, CRC32C)
 * checkpoints/&lt;experiment&gt;/epoch-NNNN.ckpt       checkpoint after NNNN epochs (SHA-256-sealed zip)
 * checkpoints/&lt;experiment&gt;/epoch-NNNN-batch-BBBBBBB.ckpt  inside epoch NNNN, BBBBBBB batches in (kept until the next)
 * checkpoints/&lt;experiment&gt;/latest.json          pointer to the newest complete checkpoint
 * reports/&lt;experiment&gt;/evaluation.json         evaluation results
 * </pre>
 */
public final class ObjectKeys {
    private ObjectKeys() {
    }

    public static String checkpoint(String experimentId, int epochsDone) {
        return String.format("checkpoints/%s/epoch-%04d.ckpt", experimentId, epochsDone);
    }

    /**
     * The checkpoint taken {@code batch} batches into epoch {@code epoch} (epochs done: {@code epoch}); names sort
     * in training order, after the end-of-epoch checkpoint that precedes them.
     */
    public static String checkpointInsideEpoch(String experimentId, int epoch, long batch) {
        return String.format("checkpoints/%s/epoch-%04d-batch-%07d.ckpt", experimentId, epoch, batch);
    }

    /** Whether a key names a checkpoint taken inside an epoch (one that a later checkpoint makes redundant). */
    public static boolean isCheckpointInsideEpoch(String key) {
        return key.startsWith("checkpoints/") && key.matches(".*/epoch-\\d{4}-batch-\\d{7}\\.ckpt");
    }

    public static String latestCheckpoint(String experimentId) {
        return "checkpoints/" + experimentId + "/latest.json";
    }

    public static String evaluationReport(String experimentId) {
        return "reports/" + experimentId + "/evaluation.json";
    }
}
