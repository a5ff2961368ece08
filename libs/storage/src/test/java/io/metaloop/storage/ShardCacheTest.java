package io.metaloop.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.datasets.SplitData;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShardCacheTest {
    /** A shard of {@code images} 1×10×10 images: 100 pixel bytes and 4 label bytes each. */
    private static SplitData shard(int images) {
        return new SplitData(images, 1, 10, 10, 1, new byte[images * 100], new int[images]);
    }

    @Test
    void keepsTheMostRecentlyUsedShardsWithinItsBudget() {
        ShardCache cache = new ShardCache(2 * 10 * 104); // two shards of ten images
        AtomicInteger loads = new AtomicInteger();
        for (String key : new String[] {"a", "b", "a", "c"}) {
            cache.get(key, () -> {
                loads.incrementAndGet();
                return shard(10);
            });
        }
        assertEquals(3, loads.get(), "the second 'a' came from memory");
        assertTrue(cache.contains("a"), "'a' was used after 'b'");
        assertFalse(cache.contains("b"), "'b' was the least recently used when 'c' arrived");
        assertTrue(cache.contains("c"));
        assertEquals(2 * 10 * 104, cache.usedBytes());
    }

    @Test
    void aShardLargerThanTheBudgetIsStillServedButEvictsTheRest() {
        ShardCache cache = new ShardCache(100);
        cache.get("small", () -> shard(0));
        SplitData big = shard(50);
        assertSame(big, cache.get("big", () -> big));
        assertTrue(cache.contains("big"));
        assertFalse(cache.contains("small"));
    }

    @Test
    void concurrentRequestsForOneShardLoadItOnce() throws Exception {
        ShardCache cache = new ShardCache(1 << 20);
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?>[] gets = new Future<?>[4];
            for (int i = 0; i < 4; i++) {
                gets[i] = pool.submit(() -> cache.get("k", () -> {
                    loads.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return shard(1);
                }));
            }
            Thread.sleep(100);
            release.countDown();
            for (Future<?> g : gets) {
                g.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, loads.get());
    }

    @Test
    void aFailedLoadIsReportedAndNotRemembered() {
        ShardCache cache = new ShardCache(1 << 20);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cache.get("k", () -> { throw new IllegalStateException("SHA-256 differs"); }));
        assertEquals("SHA-256 differs", e.getMessage());
        assertFalse(cache.contains("k"));
        assertEquals(1, cache.get("k", () -> shard(1)).count(), "the next request tries again");
    }
}
