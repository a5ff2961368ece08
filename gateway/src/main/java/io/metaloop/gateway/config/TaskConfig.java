package io.metaloop.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Bounds on users' own task uploads ({@code POST /api/v1/experiments/{id}/tasks}). The HTTP layer
 * refuses bodies above {@code quarkus.http.limits.max-body-size} (413) before these apply; keep that
 * at least {@link #maxUploadBytes()}.
 */
@ConfigMapping(prefix = "metaloop.gateway.tasks")
public interface TaskConfig {
    /** The compressed zip, bytes (64 MiB). */
    @WithDefault("67108864")
    long maxUploadBytes();

    /** All entries once inflated, counted while inflating, bytes (256 MiB). */
    @WithDefault("268435456")
    long maxInflatedBytes();

    /** Support and query images together. */
    @WithDefault("2000")
    int maxImages();

    /** Width·height of one uploaded image (4096²). */
    @WithDefault("16777216")
    long maxImagePixels();

    /** The converted task (images·C·H·W uint8), bytes (256 MiB). */
    @WithDefault("268435456")
    long maxTaskBytes();

    /** Uploads converted at the same time; more wait up to 30 s, then get 503. */
    @WithDefault("2")
    int concurrentUploads();
}
