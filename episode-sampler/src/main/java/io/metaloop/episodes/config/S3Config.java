package io.metaloop.episodes.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The object store (MinIO or any S3 API). */
@ConfigMapping(prefix = "metaloop.s3")
public interface S3Config {
    String endpoint();

    String accessKey();

    String secretKey();

    @WithDefault("metaloop")
    String bucket();
}
