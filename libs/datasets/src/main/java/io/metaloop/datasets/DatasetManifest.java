package io.metaloop.datasets;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.metaloop.contracts.DatasetInfo;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code datasets/<name>/manifest.json} in the object store: what a dataset is and where its
 * canonical shards are. Each import writes its shards under its own {@code importId}
 * ({@code datasets/<name>/<importId>/<split>/shard-NNNNN.mlbf}) and the manifest last, in one PUT:
 * a failed import leaves the catalogue as it was, and a re-import replaces a dataset at once.
 *
 * @param levels the label levels, primary first (the shards hold one label per level per image)
 * @param source what the dataset was imported from, for people
 */
public record DatasetManifest(int formatVersion, String name, String importId, int channels, int height, int width,
                              List<LabelLevel> levels, Map<String, SplitManifest> splits, String source,
                              Instant importedAt) {
    public static final int FORMAT_VERSION = 2;

    public DatasetManifest {
        levels = List.copyOf(levels);
        splits = Map.copyOf(splits);
    }

    public record SplitManifest(long examples, List<ShardInfo> shards) {
        public SplitManifest {
            shards = List.copyOf(shards);
        }
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

    @JsonIgnore
    public int labelLevels() {
        return levels.size();
    }

    /** The primary level's class names. */
    @JsonIgnore
    public List<String> classes() {
        return levels.get(0).classes();
    }

    public DatasetInfo info() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        splits.forEach((split, m) -> sizes.put(split, m.examples()));
        return new DatasetInfo(name, channels, height, width,
                levels.stream().map(l -> new DatasetInfo.Level(l.name(), l.classes())).toList(), sizes);
    }
}
