package io.metaloop.gateway.config;

import io.metaloop.storage.ObjectStore;
import io.metaloop.storage.ObjectStoreConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The object-store client, built from {@link S3Config}; the gateway uses it only for users' own tasks. */
public class Storage {
    @Produces
    @Singleton
    ObjectStore objectStore(S3Config s3) {
        return new ObjectStore(new ObjectStoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket()));
    }
}
