package io.metaloop.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One bucket of an S3-compatible store, through the MinIO SDK. Objects are written with a single
 * PUT of the whole content, which S3 makes visible atomically: a reader sees the old object or
 * the new one, never part of it. Layout: see {@link ObjectKeys}.
 */
public final class ObjectStore {
    private final MinioClient client;
    private final String bucket;

    public ObjectStore(ObjectStoreConfig config) {
        this.client = MinioClient.builder()
                .endpoint(config.endpoint())
                .credentials(config.accessKey(), config.secretKey())
                .region("us-east-1")
                .build();
        this.bucket = config.bucket();
    }

    public String bucket() {
        return bucket;
    }

    /** Creates the bucket if it does not exist yet. */
    public void ensureBucket() {
        call("create bucket " + bucket, () -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                try {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                } catch (ErrorResponseException e) {
                    // another service created it a moment ago
                    if (!e.errorResponse().code().startsWith("BucketAlready")) {
                        throw e;
                    }
                }
            }
            return null;
        });
    }

    public void put(String key, byte[] content, String contentType) {
        call("put " + key, () -> client.putObject(PutObjectArgs.builder()
                .bucket(bucket).object(key)
                .stream(new ByteArrayInputStream(content), content.length, -1)
                .contentType(contentType)
                .build()));
    }

    /** The whole object, or empty if there is none under {@code key}. */
    public Optional<byte[]> get(String key) {
        return call("get " + key, () -> {
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                return Optional.of(in.readAllBytes());
            } catch (ErrorResponseException e) {
                if (isMissing(e)) {
                    return Optional.<byte[]>empty();
                }
                throw e;
            }
        });
    }

    public byte[] require(String key) {
        return get(key).orElseThrow(() -> new ObjectStoreException("no object " + key + " in bucket " + bucket));
    }

    public boolean exists(String key) {
        return call("stat " + key, () -> {
            try {
                client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
                return true;
            } catch (ErrorResponseException e) {
                if (isMissing(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    public void delete(String key) {
        call("delete " + key, () -> {
            client.removeObject(io.minio.RemoveObjectArgs.builder().bucket(bucket).object(key).build());
            return null;
        });
    }

    /** Keys under a prefix, recursively, in lexicographic order. */
    public List<String> list(String prefix) {
        return call("list " + prefix, () -> {
            List<String> keys = new ArrayList<>();
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
                keys.add(r.get().objectName());
            }
            keys.sort(null);
            return keys;
        });
    }

    private static boolean isMissing(ErrorResponseException e) {
        String code = e.errorResponse().code();
        return "NoSuchKey".equals(code) || "NoSuchObject".equals(code) || e.response().code() == 404;
    }

    private interface Call<T> {
        T run() throws Exception;
    }

    private <T> T call(String what, Call<T> call) {
        try {
            return call.run();
        } catch (ObjectStoreException e) {
            throw e;
        } catch (Exception e) {
            throw new ObjectStoreException(what + " in bucket " + bucket + " failed: " + e, e);
        }
    }
}
