package io.metaloop.datasets;

import io.metaloop.contracts.DatasetInfo;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code datasets/<name>/manifest.json} in the object store: what a dataset is and where its
 * canonical shards are. Written last during an import, so a dataset without a manifest is not
 * (yet) in the catalogue.
 */
public record DatasetManifest(int formatVersion, String name, int channels, int height, int width, int labelLevels,
                              List<String> classes, Map<String, SplitManifest> splits, String source,
                              Instant importedAt) {
    public static final int FORMAT_VERSION = 1;

    public record SplitManifest(long examples, List<ShardInfo> shards) {
    }

    /**
     * @param key      object key of the shard
     * @param examples images in the shard
     * @param bytes    size of the shard object
     * @param sha256   hex SHA-256 of the shard object
     */
    public record ShardInfo(String key, int examples, long bytes, String sha256) {
    }

    public static String key(String dataset) {
        return "datasets/" + dataset + "/manifest.json";
    }

    public DatasetInfo info() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        splits.forEach((split, m) -> sizes.put(split, m.examples()));
        return new DatasetInfo(name, channels, height, width, labelLevels, classes, sizes);
    }
}
