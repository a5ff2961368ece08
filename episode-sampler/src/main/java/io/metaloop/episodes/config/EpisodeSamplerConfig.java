package io.metaloop.episodes.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

@ConfigMapping(prefix = "metaloop.episodes")
public interface EpisodeSamplerConfig {
    /** Bytes of decoded shards to keep in memory; default half the heap. */
    Optional<Long> cacheBytes();
}
