package io.metaloop.episodes.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "metaloop.episodes")
public interface EpisodeSamplerConfig {
    /** How many decoded splits to keep in memory. */
    @WithDefault("4")
    int cachedSplits();
}
