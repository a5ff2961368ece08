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
    private static final String PREFIX = "metaloop-test-stack-";
    private static LocalStack shared;

    private TestInfrastructure() {
    }

    public static synchronized LocalStack shared() {
        if (shared == null) {
            stopOrphans();
            try {
                Path runDir = Files.createTempDirectory(PREFIX);
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

    /** A signed token with the given roles, for requests to a service under test. */
    public static String token(String... roles) {
        return shared().auth().mint("test-user", java.util.Set.of(roles));
    }

    /** The local user's token (reader, submitter, admin), as the CLI sends it. */
    public static String adminToken() {
        return token(io.metaloop.contracts.Roles.READER, io.metaloop.contracts.Roles.SUBMITTER, io.metaloop.contracts.Roles.ADMIN);
    }

    /** A token with every role but signed by a key no service trusts: must be refused like no token. */
    public static String forgedToken() {
        try {
            Path elsewhere = Files.createTempDirectory("metaloop-forger-");
            String token = StackAuth.open(elsewhere).mint("forger", java.util.Set.of(io.metaloop.contracts.Roles.READER,
                    io.metaloop.contracts.Roles.SUBMITTER, io.metaloop.contracts.Roles.ADMIN));
            LocalStack.deleteRunDirectory(elsewhere);
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The callers of a token test: none, a forged token, and one genuine token each for reader,
     * submitter and admin.
     */
    public static java.util.List<AccessWalk.Caller> tokenTestCallers() {
        return java.util.List.of(AccessWalk.Caller.anonymous(),
                new AccessWalk.Caller("forged token", forgedToken(), java.util.Set.of(), false),
                AccessWalk.Caller.with("reader", token(io.metaloop.contracts.Roles.READER), java.util.Set.of(io.metaloop.contracts.Roles.READER)),
                AccessWalk.Caller.with("submitter", token(io.metaloop.contracts.Roles.SUBMITTER),
                        java.util.Set.of(io.metaloop.contracts.Roles.SUBMITTER)),
                AccessWalk.Caller.with("admin", token(io.metaloop.contracts.Roles.ADMIN), java.util.Set.of(io.metaloop.contracts.Roles.ADMIN)));
    }

    /**
     * Stops servers left by an earlier test JVM that was killed before its shutdown hook ran (their
     * parent is gone and they carry a test-stack marker), so they cannot pile up run after run.
     */
    static void stopOrphans() {
        String marker = "-Dmetaloop.run=" + Path.of(System.getProperty("java.io.tmpdir")).resolve(PREFIX);
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .filter(p -> p.parent().map(parent -> parent.pid() == 1 || !parent.isAlive()).orElse(true))
                .forEach(p -> {
                    System.out.println("[test stack] stopping orphaned server pid " + p.pid());
                    p.destroy();
                });
    }

    /** Configuration that points a Quarkus service at the shared servers and the shared token keys. */
    public static Map<String, String> serviceConfig() {
        LocalStack stack = shared();
        return Map.of(
                "mp.jwt.verify.publickey.location", stack.auth().publicKeyFile().toString(),
                "metaloop.auth.service-token-file", stack.auth().serviceTokenFile().toString(),
                "kafka.bootstrap.servers", stack.kafkaBootstrap(),
                "metaloop.s3.endpoint", stack.s3Endpoint(),
                "metaloop.s3.access-key", S3Server.ACCESS_KEY,
                "metaloop.s3.secret-key", S3Server.SECRET_KEY,
                "metaloop.s3.bucket", LocalStack.BUCKET);
    }
}
