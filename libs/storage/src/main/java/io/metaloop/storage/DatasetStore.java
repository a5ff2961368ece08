package io.metaloop.storage;

import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.Json;
import io.metaloop.datasets.DatasetFormats;
import io.metaloop.datasets.DatasetManifest;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.datasets.ShardWriter;
import io.metaloop.datasets.Shards;
import io.metaloop.datasets.SplitData;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datasets in the object store (layout in {@link DatasetManifest}): the catalogue, decoded splits
 * (verified against the manifest's SHA-256s, kept in a small LRU cache), and imports that never
 * leave a half-written dataset behind.
 */
public final class DatasetStore {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetStore.class);
    private static final DateTimeFormatter IMPORT_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
            .withZone(java.time.ZoneOffset.UTC);

    private final ObjectStore store;
    private final Clock clock;
    private final Map<String, SplitData> splits;

    /**
     * @param cachedSplits how many decoded splits to keep in memory
     */
    public DatasetStore(ObjectStore store, int cachedSplits, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.splits = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, SplitData> eldest) {
                return size() > cachedSplits;
            }
        };
    }

    /** The dataset's manifest; empty if there is none, or if it was written by an older format. */
    public Optional<DatasetManifest> manifest(String name) {
        return store.get(DatasetManifest.key(name)).flatMap(bytes -> {
            try {
                DatasetManifest m = Json.read(bytes, DatasetManifest.class);
                if (m.formatVersion() != DatasetManifest.FORMAT_VERSION) {
                    LOG.warn("{} has manifest format {}, this build reads {}: re-import it", name, m.formatVersion(),
                            DatasetManifest.FORMAT_VERSION);
                    return Optional.empty();
                }
                return Optional.of(m);
            } catch (InvalidMessageException e) {
                LOG.warn("unreadable manifest of {}: {}", name, e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** Every dataset with a readable manifest, by name. */
    public List<DatasetManifest> list() {
        List<DatasetManifest> out = new ArrayList<>();
        for (String key : store.list("datasets/")) {
            if (key.endsWith("/manifest.json") && key.chars().filter(c -> c == '/').count() == 2) {
                String name = key.substring("datasets/".length(), key.length() - "/manifest.json".length());
                manifest(name).ifPresent(out::add);
            }
        }
        return out;
    }

    /** One split, decoded; every shard is checked against the manifest's SHA-256 when loaded. */
    public synchronized SplitData split(DatasetManifest manifest, String split) {
        String key = manifest.name() + "/" + manifest.importId() + "/" + split;
        SplitData data = splits.get(key);
        if (data == null) {
            DatasetManifest.SplitManifest sm = manifest.splits().get(split);
            if (sm == null) {
                throw new IllegalArgumentException("dataset '" + manifest.name() + "' has no split '" + split
                        + "'; it has " + manifest.splits().keySet());
            }
            List<byte[]> shards = new ArrayList<>();
            for (DatasetManifest.ShardInfo shard : sm.shards()) {
                shards.add(store.require(shard.key()));
            }
            data = Shards.decode(manifest, split, shards);
            splits.put(key, data);
        }
        return data;
    }

    /**
     * Imports a dataset: reads it with its format's reader, writes its shards under a new import id,
     * then the manifest in one PUT, then removes the shards of the import it replaces. If reading
     * fails, the new shards are removed and the catalogue is as it was.
     *
     * @param shardSize images per shard
     */
    public DatasetManifest importDataset(String name, String format, Path source, ReadOptions options, int shardSize)
            throws IOException {
        DatasetFormats.reader(format); // unknown format: fail before anything is written
        String importId = IMPORT_TIME.format(clock.instant()) + "-" + UUID.randomUUID().toString().substring(0, 8);
        ShardWriter writer = new ShardWriter(name, importId, shardSize,
                (key, bytes) -> store.put(key, bytes, "application/octet-stream"));
        Optional<DatasetManifest> previous = manifest(name);
        DatasetManifest manifest;
        try {
            DatasetFormats.read(format, source, options, writer);
            manifest = writer.finish(format + " from " + source.getFileName(), clock.instant());
        } catch (IOException | RuntimeException e) {
            removeQuietly(writer.writtenKeys());
            throw e;
        }
        store.put(DatasetManifest.key(name), Json.write(manifest), "application/json");
        previous.ifPresent(old -> removeQuietly(old.splits().values().stream()
                .flatMap(s -> s.shards().stream()).map(DatasetManifest.ShardInfo::key).toList()));
        LOG.info("imported {} ({}) as {}: {}", name, format, importId, manifest.info().splits());
        return manifest;
    }

    private void removeQuietly(List<String> keys) {
        for (String key : keys) {
            try {
                store.delete(key);
            } catch (RuntimeException e) {
                LOG.warn("could not remove {}: {}", key, e.getMessage());
            }
        }
    }
}
