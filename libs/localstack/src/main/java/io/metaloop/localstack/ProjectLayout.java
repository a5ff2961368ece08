package io.metaloop.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the built parts of a MetaLoop checkout are. */
public record ProjectLayout(Path root) {
    public static final List<String> SERVICES = List.of(
            "dataset-service", "episode-sampler", "trainer-service", "evaluator-service", "gateway");
    /** The services with a REST API of their own, each of which requires a bearer token (see {@code Roles}). */
    public static final List<String> USER_FACING = List.of("dataset-service", "episode-sampler", "gateway");

    /** From {@code -Dmetaloop.home}, {@code $METALOOP_HOME}, or the nearest ancestor of the working directory holding {@code mvnw}. */
    public static ProjectLayout locate() {
        String configured = System.getProperty("metaloop.home", System.getenv("METALOOP_HOME"));
        if (configured != null && !configured.isBlank()) {
            return new ProjectLayout(Path.of(configured).toAbsolutePath().normalize());
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("stack"))) {
                return new ProjectLayout(dir);
            }
        }
        throw new StackException("cannot find the MetaLoop checkout: set -Dmetaloop.home or METALOOP_HOME");
    }

    public String kafkaClasspath() {
        return classpath("kafka-runtime");
    }

    public String s3Classpath() {
        return classpath("s3-runtime");
    }

    private String classpath(String module) {
        Path file = root.resolve("stack").resolve(module).resolve("target/runtime.classpath");
        if (!Files.isRegularFile(file)) {
            throw new StackException(file + " is missing: build first (./mvnw -q install -DskipTests)");
        }
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Quarkus fast-jar launcher of a service. */
    public Path serviceJar(String service) {
        Path jar = root.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new StackException(jar + " is missing: build first (./mvnw -q install -DskipTests)");
        }
        return jar;
    }

    /** Real data shipped with the project (see data/README.md). */
    public Path bundledData() {
        return root.resolve("data");
    }

    public static Path javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
