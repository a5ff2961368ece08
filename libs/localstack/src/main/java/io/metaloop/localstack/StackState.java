package io.metaloop.localstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * {@code <run dir>/stack.json}: the processes a launcher started, so that {@code status} and
 * {@code down} in a later invocation find exactly them.
 *
 * @param marker the {@code -Dmetaloop.run=...} argument every process of this run carries
 */
public record StackState(String runDir, String marker, String kafkaBootstrap, String s3Endpoint, List<Part> parts) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One started process; {@code url} is its HTTP base for services, else null. */
    public record Part(String name, long pid, int port, String log, String url) {
    }

    public Optional<Part> part(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public static Path file(Path runDir) {
        return runDir.resolve("stack.json");
    }

    public void write() {
        try {
            Path target = file(Path.of(runDir));
            Path tmp = target.resolveSibling("stack.json.tmp");
            Files.write(tmp, JSON.writeValueAsBytes(this));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Optional<StackState> read(Path runDir) {
        Path file = file(runDir);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), StackState.class));
        } catch (IOException e) {
            throw new StackException(file + " is unreadable: " + e.getMessage() + "; stop stray processes by hand", e);
        }
    }

    public static void delete(Path runDir) {
        try {
            Files.deleteIfExists(file(runDir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
