package io.metaloop.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** An S3 API server over a directory: s3proxy with jclouds' filesystem provider ({@code stack/s3-runtime}). */
public final class S3Server {
    public static final String ACCESS_KEY = "metaloop";
    public static final String SECRET_KEY = "metaloop-local-secret";

    private S3Server() {
    }

    public static ManagedProcess start(ProjectLayout layout, Path dir, String runMarker, int port) {
        try {
            Path data = dir.resolve("data");
            Files.createDirectories(data);
            Path config = dir.resolve("s3proxy.properties");
            Files.writeString(config, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + data,
                    ""));
            // s3proxy ships no logging configuration, and logback's default logs every request at DEBUG
            Path logging = dir.resolve("logback.xml");
            Files.writeString(logging, """
                    <configuration>
                      <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
                      </appender>
                      <root level="INFO"><appender-ref ref="out"/></root>
                    </configuration>
                    """);
            List<String> cmd = List.of(ProjectLayout.javaBinary().toString(), runMarker,
                    "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                    "-Dlogback.configurationFile=" + logging,
                    "-cp", layout.s3Classpath(), "org.gaul.s3proxy.Main", "--properties", config.toString());
            ManagedProcess server = ManagedProcess.start("s3", cmd, Map.of(), dir, dir.resolve("s3.log"));
            server.awaitReady("ready on port " + port, Duration.ofSeconds(60), () -> Ports.accepts(port));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
