package io.metaloop.storage;

import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.Json;
import io.metaloop.datasets.DatasetFormats;
import io.metaloop.datasets.DatasetManifest;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.datasets.ShardWriter;
import io.metaloop.datasets.Shards;
import io.metaloop.datasets.ShardedSplit;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datasets in the object store (layout in {@link DatasetManifest}): the catalogue, splits read
 * shard by shard (each verified against the manifest's SHA-256 and kept in a byte-bounded LRU
 * cache), and imports that never leave a half-written dataset behind.
 */
public final class DatasetStore {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetStore.class);
    private static final DateTimeFormatter IMPORT_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
            .withZone(java.time.ZoneOffset.UTC);

    private static final int PARALLEL_READS = 4;

    private final ObjectStore store;
    private final Clock clock;
    private final ShardCache shards;
    private final ExecutorService readers;

    /**
     * @param cacheBytes how many bytes of decoded shards to keep in memory
     */
    public DatasetStore(ObjectStore store, long cacheBytes, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.shards = new ShardCache(cacheBytes);
        this.readers = Executors.newFixedThreadPool(PARALLEL_READS, runnable -> {
            Thread t = new Thread(runnable, "shard-reader");
            t.setDaemon(true);
            return t;
        });
    }

    /** Half the JVM's heap: a sensible shard cache when none is configured. */
    public static long defaultCacheBytes() {
        return Runtime.getRuntime().maxMemory() / 2;
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

    /**
     * One split, read shard by shard as its images are needed; every shard is checked against the
     * manifest's SHA-256 when loaded, and kept in the shard cache.
     */
    public ShardedSplit split(DatasetManifest manifest, String split) {
        DatasetManifest.SplitManifest sm = manifest.splits().get(split);
        if (sm == null) {
            throw new IllegalArgumentException("dataset '" + manifest.name() + "' has no split '" + split
                    + "'; it has " + manifest.splits().keySet());
        }
        return ShardedSplit.of(manifest, split, index -> {
            DatasetManifest.ShardInfo info = sm.shards().get(index);
            return shards.get(info.key(), () -> Shards.decodeShard(manifest, info, store.require(info.key())));
        });
    }

    /**
     * Loads every shard of a split that is not in the cache, {@value #PARALLEL_READS} at a time:
     * a shuffled epoch touches all of them, and its first batch then waits for the slowest shard
     * instead of the sum of all.
     */
    public void loadAll(DatasetManifest manifest, String split) {
        ShardedSplit data = split(manifest, split);
        DatasetManifest.SplitManifest sm = manifest.splits().get(split);
        List<Future<?>> loads = new ArrayList<>();
        for (int s = 0; s < data.shards(); s++) {
            if (!shards.contains(sm.shards().get(s).key())) {
                int shard = s;
                loads.add(readers.submit(() -> data.shard(shard)));
            }
        }
        for (Future<?> load : loads) {
            try {
                load.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading shards of " + manifest.name() + "/" + split, e);
            }
        }
    }

    /** Bytes of decoded shards in memory. */
    public long cachedBytes() {
        return shards.usedBytes();
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
