package io.metaloop.datasets;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.Json;
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

    /**
     * One split: its size, its shards in order, and its primary-level class statistics. The
     * statistics are optional when reading: manifests written before they were recorded have
     * neither, and read with both null.
     *
     * @param examples      images in the split
     * @param shards        the split's shards, in image order
     * @param classes       distinct primary-level classes with at least one image in the split
     *                      (images labelled -1 belong to no class); null when unknown
     * @param smallestClass images of the split's smallest such class, 0 when the split has no
     *                      labelled image; null when unknown
     * @throws IllegalArgumentException if only one of the statistics is given, a count is
     *                                  negative, or only one of them is 0
     */
    public record SplitManifest(long examples, List<ShardInfo> shards,
                                @JacksonInject(value = Json.ABSENT + "classes", useInput = OptBoolean.TRUE)
                                Integer classes,
                                @JacksonInject(value = Json.ABSENT + "smallestClass", useInput = OptBoolean.TRUE)
                                Integer smallestClass) {
        public SplitManifest {
            shards = List.copyOf(shards);
            if ((classes == null) != (smallestClass == null)) {
                throw new IllegalArgumentException("classes and smallestClass go together, got classes=" + classes
                        + ", smallestClass=" + smallestClass);
            }
            if (classes != null && (classes < 0 || smallestClass < 0 || (classes == 0) != (smallestClass == 0))) {
                throw new IllegalArgumentException("inconsistent class statistics: classes=" + classes
                        + ", smallestClass=" + smallestClass);
            }
        }

        /** A split whose class statistics are unknown. */
        public SplitManifest(long examples, List<ShardInfo> shards) {
            this(examples, shards, null, null);
        }

        /** Whether the manifest records this split's class statistics. */
        @JsonIgnore
        public boolean hasClassStatistics() {
            return classes != null;
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

    /**
     * The catalogue entry: shape, levels, split sizes, and the class statistics of every split
     * whose manifest records them (splits imported before they were recorded are left out).
     */
    public DatasetInfo info() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        Map<String, DatasetInfo.SplitClasses> classStatistics = new LinkedHashMap<>();
        splits.forEach((split, m) -> {
            sizes.put(split, m.examples());
            if (m.hasClassStatistics()) {
                classStatistics.put(split, new DatasetInfo.SplitClasses(m.classes(), m.smallestClass()));
            }
        });
        return new DatasetInfo(name, channels, height, width,
                levels.stream().map(l -> new DatasetInfo.Level(l.name(), l.classes())).toList(), sizes, classStatistics);
    }
}
