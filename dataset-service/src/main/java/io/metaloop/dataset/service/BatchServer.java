package io.metaloop.dataset.service;

import io.metaloop.contracts.BatchRequest;
import io.metaloop.contracts.frame.FrameCodec;
import io.metaloop.datasets.Batches;
import io.metaloop.datasets.DatasetManifest;
import io.metaloop.datasets.EpochOrder;
import io.metaloop.datasets.ShardedSplit;
import io.metaloop.datasets.augment.Augmenter;
import io.metaloop.storage.DatasetStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers a batch request with frames: batch {@code i} of epoch {@code e} is always the same
 * images, because the order is a function of (seed, epoch) only, and so are the augmented views
 * a request names (see {@link Augmenter}). Requests it cannot serve get a
 * single error frame, so the consumer fails with the reason instead of waiting.
 */
@ApplicationScoped
public class BatchServer {
    private static final int CACHED_ORDERS = 8;

    private final DatasetCatalog catalog;
    private final DatasetStore splits;
    private final Map<String, int[]> orders = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, int[]> eldest) {
            return size() > CACHED_ORDERS;
        }
    };

    public BatchServer(DatasetCatalog catalog, DatasetStore splits) {
        this.catalog = catalog;
        this.splits = splits;
    }

    /** One served frame and how many images it holds (0 for an error frame). */
    public record Served(byte[] frame, int images) {
    }

    public List<Served> serve(BatchRequest request) {
        Optional<DatasetManifest> manifest = catalog.manifest(request.dataset());
        if (manifest.isEmpty()) {
            return error(request, "unknown dataset '" + request.dataset() + "'");
        }
        if (!manifest.get().splits().containsKey(request.split())) {
            return error(request, "dataset '" + request.dataset() + "' has no split '" + request.split() + "'; it has "
                    + manifest.get().splits().keySet());
        }
        ShardedSplit data = splits.split(manifest.get(), request.split());
        long total = Batches.count(data.count(), request.batchSize(), request.dropLast());
        if (total == 0) {
            return error(request, request.split() + " has " + data.count() + " images, fewer than one batch of "
                    + request.batchSize());
        }
        Augmenter augmenter;
        try {
            augmenter = new Augmenter(request.augment(), data.channels(), data.height(), data.width());
        } catch (IllegalArgumentException e) {
            return error(request, e.getMessage());
        }
        int[] order = null;
        if (request.shuffle()) {
            splits.loadAll(manifest.get(), request.split()); // a shuffled batch may need any shard
            order = order(request, data.count());
        }
        List<Served> frames = new ArrayList<>();
        for (long i = request.fromBatch(); i < Math.min(request.toBatch(), total); i++) {
            var frame = Batches.assemble(data, order, request.epoch(), i, request.batchSize(), request.dropLast(),
                    augmenter, request.seed());
            frames.add(new Served(FrameCodec.encode(frame), frame.count()));
        }
        return frames;
    }

    private synchronized int[] order(BatchRequest r, int count) {
        String key = r.dataset() + "/" + r.split() + "/" + count + "/" + r.seed() + "/" + r.epoch();
        return orders.computeIfAbsent(key, k -> EpochOrder.permutation(count, r.seed(), r.epoch()));
    }

    /** One error frame for the request, carrying {@code message}. */
    public static List<Served> error(BatchRequest request, String message) {
        return List.of(new Served(FrameCodec.encodeError(request.epoch(), request.fromBatch(), message), 0));
    }
}
