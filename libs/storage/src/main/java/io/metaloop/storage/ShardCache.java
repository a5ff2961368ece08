package io.metaloop.storage;

import io.metaloop.datasets.SplitData;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Decoded shards kept in memory up to a byte budget, least recently used first out. A shard asked
 * for by several requests at once is loaded once; the others wait for that load.
 */
final class ShardCache {
    private final long budgetBytes;
    private final Map<String, CompletableFuture<SplitData>> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Long> sizes = new LinkedHashMap<>();
    private long usedBytes;

    ShardCache(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    SplitData get(String key, Supplier<SplitData> load) {
        CompletableFuture<SplitData> entry;
        boolean loadHere = false;
        synchronized (this) {
            entry = entries.get(key);
            if (entry == null) {
                entry = new CompletableFuture<>();
                entries.put(key, entry);
                loadHere = true;
            }
        }
        if (loadHere) {
            try {
                SplitData data = load.get();
                entry.complete(data);
                admit(key, (long) data.pixels().length + 4L * data.labels().length);
            } catch (RuntimeException | Error e) {
                entry.completeExceptionally(e);
                synchronized (this) {
                    entries.remove(key);
                }
                throw e;
            }
        }
        try {
            return entry.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    synchronized boolean contains(String key) {
        CompletableFuture<SplitData> entry = entries.get(key);
        return entry != null && entry.isDone() && !entry.isCompletedExceptionally();
    }

    synchronized long usedBytes() {
        return usedBytes;
    }

    /** Counts a loaded shard and evicts the least recently used others until the budget holds. */
    private synchronized void admit(String key, long bytes) {
        if (!entries.containsKey(key)) {
            return;
        }
        sizes.put(key, bytes);
        usedBytes += bytes;
        Iterator<Map.Entry<String, CompletableFuture<SplitData>>> eldest = entries.entrySet().iterator();
        while (usedBytes > budgetBytes && eldest.hasNext()) {
            Map.Entry<String, CompletableFuture<SplitData>> e = eldest.next();
            if (e.getKey().equals(key) || !e.getValue().isDone()) {
                continue; // never the shard just loaded, nor one still loading
            }
            eldest.remove();
            usedBytes -= sizes.remove(e.getKey());
        }
    }
}
