package io.metaloop.storage;

/** Where the object store is and how to sign requests to it. */
public record ObjectStoreConfig(String endpoint, String accessKey, String secretKey, String bucket) {
    public ObjectStoreConfig {
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("metaloop.s3.endpoint is required");
        }
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("metaloop.s3.bucket '" + bucket + "' is not a valid S3 bucket name");
        }
    }
}
