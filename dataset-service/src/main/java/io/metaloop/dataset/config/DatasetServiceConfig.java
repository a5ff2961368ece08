package io.metaloop.dataset.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

@ConfigMapping(prefix = "metaloop.datasets")
public interface DatasetServiceConfig {
    /** A directory of bundled datasets ({@code fashion-mnist/} …) imported at start-up if missing. */
    Optional<String> bundledDir();

    /** Images per canonical shard. */
    @WithDefault("10000")
    int shardSize();

    /** Bytes of decoded shards to keep in memory; default half the heap. */
    Optional<Long> cacheBytes();

    /**
     * The directories an import may read from (its {@code path}, {@code splitFiles},
     * {@code hierarchyFile}, {@code classSplits}); anything resolving outside all of them, symbolic
     * links followed, is refused. Containers mount datasets at /data.
     */
    @WithDefault("/data")
    java.util.List<String> importRoots();

    /** The most bytes an imported archive may decompress to in one read pass (decompression bombs); 64 GiB. */
    @WithDefault("68719476736")
    long maxInflatedBytes();
}
