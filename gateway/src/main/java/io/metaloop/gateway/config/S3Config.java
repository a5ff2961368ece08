package io.metaloop.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The object store (MinIO or any S3 API), where users' own tasks are stored for the evaluator. */
@ConfigMapping(prefix = "metaloop.s3")
public interface S3Config {
    String endpoint();

    String accessKey();

    String secretKey();

    @WithDefault("metaloop")
    String bucket();
}
