package io.metaloop.storage;

/**
 * The object-store layout (one bucket, default {@code metaloop}):
 *
 * <pre>
 * datasets/&lt;name&gt;/manifest.json                 catalogue entry, written last by an import
 * datasets/&lt;name&gt;/&lt;import&gt;/&lt;split&gt;/shard-NNNNN.mlbf   canonical shards of one import (frames, CRC32C)
 * checkpoints/&lt;experiment&gt;/epoch-NNNN.ckpt       checkpoint after NNNN epochs (zip, SHA-256 per array)
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

    public static String latestCheckpoint(String experimentId) {
        return "checkpoints/" + experimentId + "/latest.json";
    }

    public static String evaluationReport(String experimentId) {
        return "reports/" + experimentId + "/evaluation.json";
    }
}
