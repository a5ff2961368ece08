package io.metaloop.dataset.service;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.Json;
import io.metaloop.dataset.config.DatasetServiceConfig;
import io.metaloop.datasets.DatasetManifest;
import io.metaloop.datasets.FashionMnist;
import io.metaloop.datasets.Shards;
import io.metaloop.datasets.SplitData;
import io.metaloop.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The datasets in the object store. A dataset exists once its manifest does; an import writes
 * every shard first and the manifest last, so a failed import leaves nothing in the catalogue.
 */
@ApplicationScoped
public class DatasetCatalog {
    private static final Logger LOG = Logger.getLogger(DatasetCatalog.class);
    /** Formats {@link #importDataset} understands. */
    public static final List<String> FORMATS = List.of("fashion-mnist");

    private final ObjectStore store;
    private final int shardSize;
    private final Map<String, DatasetManifest> manifests = new ConcurrentHashMap<>();

    public DatasetCatalog(ObjectStore store, DatasetServiceConfig config) {
        this.store = store;
        this.shardSize = config.shardSize();
    }

    public List<DatasetInfo> list() {
        List<DatasetInfo> infos = new ArrayList<>();
        for (String key : store.list("datasets/")) {
            if (key.endsWith("/manifest.json")) {
                String name = key.substring("datasets/".length(), key.length() - "/manifest.json".length());
                manifest(name).ifPresent(m -> infos.add(m.info()));
            }
        }
        return infos;
    }

    public Optional<DatasetManifest> manifest(String name) {
        DatasetManifest cached = manifests.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<DatasetManifest> read = store.get(DatasetManifest.key(name)).map(b -> Json.read(b, DatasetManifest.class));
        read.ifPresent(m -> manifests.put(name, m));
        return read;
    }

    /**
     * Imports a dataset from files on this service's file system into canonical shards.
     *
     * @param format one of {@link #FORMATS}
     * @param source directory holding the dataset's published files
     */
    public DatasetInfo importDataset(String name, String format, Path source) throws IOException {
        if (!FORMATS.contains(format)) {
            throw new InvalidMessageException("format", "unknown format '" + format + "'; known: " + FORMATS);
        }
        if (!Files.isDirectory(source)) {
            throw new InvalidMessageException("path", "no directory " + source + " on the dataset-service host");
        }
        Map<String, SplitData> splits = FashionMnist.read(source);
        Map<String, DatasetManifest.SplitManifest> splitManifests = new LinkedHashMap<>();
        SplitData any = splits.values().iterator().next();
        for (String split : List.of("train", "test")) {
            List<DatasetManifest.ShardInfo> infos = new ArrayList<>();
            for (Shards.EncodedShard shard : Shards.encode(name, split, splits.get(split), shardSize)) {
                store.put(shard.info().key(), shard.bytes(), "application/octet-stream");
                infos.add(shard.info());
            }
            splitManifests.put(split, new DatasetManifest.SplitManifest(splits.get(split).count(), infos));
        }
        DatasetManifest manifest = new DatasetManifest(DatasetManifest.FORMAT_VERSION, name, any.channels(), any.height(),
                any.width(), any.labelLevels(), FashionMnist.CLASSES, splitManifests, format + " from " + source.getFileName(),
                Instant.now());
        store.put(DatasetManifest.key(name), Json.write(manifest), "application/json");
        manifests.put(name, manifest);
        LOG.infof("imported %s: %s", name, manifest.info().splits());
        return manifest.info();
    }
}
