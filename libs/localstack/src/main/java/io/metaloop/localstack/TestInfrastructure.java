package io.metaloop.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One Kafka broker and one S3 server per test JVM, started on first use in a temporary run
 * directory and stopped when the JVM exits. Integration tests talk to these real servers; Quarkus
 * Dev Services (which need Docker) stay off.
 */
public final class TestInfrastructure {
    private static LocalStack shared;

    private TestInfrastructure() {
    }

    public static synchronized LocalStack shared() {
        if (shared == null) {
            try {
                Path runDir = Files.createTempDirectory("metaloop-test-stack-");
                LocalStack stack = LocalStack.startInfrastructure(ProjectLayout.locate(), runDir,
                        line -> System.out.println("[test stack] " + line));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stack.close();
                    LocalStack.deleteRunDirectory(runDir);
                }, "test-stack-shutdown"));
                shared = stack;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** Configuration that points a Quarkus service at the shared servers. */
    public static Map<String, String> serviceConfig() {
        LocalStack stack = shared();
        return Map.of(
                "kafka.bootstrap.servers", stack.kafkaBootstrap(),
                "metaloop.s3.endpoint", stack.s3Endpoint(),
                "metaloop.s3.access-key", S3Server.ACCESS_KEY,
                "metaloop.s3.secret-key", S3Server.SECRET_KEY,
                "metaloop.s3.bucket", LocalStack.BUCKET);
    }
}
