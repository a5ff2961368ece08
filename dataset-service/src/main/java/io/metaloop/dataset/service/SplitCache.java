package io.metaloop.dataset.service;

import io.metaloop.dataset.config.DatasetServiceConfig;
import io.metaloop.datasets.DatasetManifest;
import io.metaloop.datasets.Shards;
import io.metaloop.datasets.SplitData;
import io.metaloop.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decoded splits in memory, least recently used dropped first; loading verifies every shard. */
@ApplicationScoped
public class SplitCache {
    private final ObjectStore store;
    private final Map<String, SplitData> splits;

    public SplitCache(ObjectStore store, DatasetServiceConfig config) {
        this.store = store;
        int capacity = config.cachedSplits();
        this.splits = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, SplitData> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized SplitData get(DatasetManifest manifest, String split) {
        String key = manifest.name() + "/" + split + "@" + manifest.importedAt();
        SplitData data = splits.get(key);
        if (data == null) {
            List<byte[]> shards = new ArrayList<>();
            for (DatasetManifest.ShardInfo shard : manifest.splits().get(split).shards()) {
                shards.add(store.require(shard.key()));
            }
            data = Shards.decode(manifest, split, shards);
            splits.put(key, data);
        }
        return data;
    }
}
