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
 *
 * <p>Every call has timeouts (connect 5 s, read and write 60 s) and is retried with exponential
 * back-off (0.25 s doubling to 8 s, {@link Retry#DEFAULT}: about a minute in all) when the store is
 * unreachable or answers 5xx / SlowDown, so a restarted or briefly overloaded S3 server costs a
 * pause, not a failure. Anything else (access denied, no such bucket) fails at once. A call that
 * still fails throws {@link ObjectStoreException} naming the operation and key.
 */
public final class ObjectStore {
    private final MinioClient client;
    private final String bucket;
    private final Retry retry;

    /**
     * How transient failures are retried: up to {@code attempts} tries, waiting {@code firstBackoff},
     * then twice as long each time up to {@code maxBackoff}.
     */
    public record Retry(int attempts, java.time.Duration firstBackoff, java.time.Duration maxBackoff) {
        public static final Retry DEFAULT = new Retry(12, java.time.Duration.ofMillis(250), java.time.Duration.ofSeconds(8));
        public static final Retry NONE = new Retry(1, java.time.Duration.ZERO, java.time.Duration.ZERO);

        public Retry {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
            }
        }
    }

    public ObjectStore(ObjectStoreConfig config) {
        this(config, Retry.DEFAULT);
    }

    public ObjectStore(ObjectStoreConfig config, Retry retry) {
        this.client = MinioClient.builder()
                .endpoint(config.endpoint())
                .credentials(config.accessKey(), config.secretKey())
                .region("us-east-1")
                .build();
        this.client.setTimeout(5_000, 60_000, 60_000);
        this.bucket = config.bucket();
        this.retry = retry;
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
        long backoff = retry.firstBackoff().toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (ObjectStoreException e) {
                throw e;
            } catch (Exception e) {
                if (attempt >= retry.attempts() || !isTransient(e)) {
                    throw new ObjectStoreException(what + " in bucket " + bucket + " failed"
                            + (attempt > 1 ? " after " + attempt + " tries" : "") + ": " + e, e);
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new ObjectStoreException(what + " in bucket " + bucket + " interrupted while retrying: " + e, e);
                }
                backoff = Math.min(Math.max(1, backoff * 2), retry.maxBackoff().toMillis());
            }
        }
    }

    /** Worth another try: the store unreachable or timing out, a 5xx, or throttling. */
    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException && !(t instanceof java.io.FileNotFoundException)) {
                return true;
            }
            if (t instanceof ErrorResponseException r) {
                String code = r.errorResponse() == null ? "" : String.valueOf(r.errorResponse().code());
                return r.response() != null && r.response().code() >= 500 || code.equals("SlowDown")
                        || code.equals("ServiceUnavailable") || code.equals("InternalError") || code.equals("RequestTimeout");
            }
            if (t instanceof io.minio.errors.ServerException) {
                return true;
            }
        }
        return false;
    }
}
