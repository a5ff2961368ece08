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
}
