package io.metaloop.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A single-node Kafka broker and controller in KRaft mode, run from Maven Central's jars
 * ({@code stack/kafka-runtime}). Data stays in {@code <dir>/data} between starts.
 */
public final class KafkaBroker {
    private KafkaBroker() {
    }

    public static ManagedProcess start(ProjectLayout layout, Path dir, String runMarker, int port, int controllerPort) {
        try {
            Path data = dir.resolve("data");
            Files.createDirectories(data);
            Path config = dir.resolve("server.properties");
            Files.writeString(config, properties(data, port, controllerPort));
            String classpath = layout.kafkaClasspath();
            if (!Files.exists(data.resolve("meta.properties"))) {
                List<String> format = command(classpath, runMarker, "kafka.tools.StorageTool", "format",
                        "-t", clusterId(), "-c", config.toString(), "--standalone");
                ManagedProcess formatter = ManagedProcess.start("kafka-format", format, Map.of(), dir, dir.resolve("format.log"));
                Optional<Integer> exit = formatter.awaitExit(Duration.ofSeconds(60));
                if (exit.isEmpty() || exit.get() != 0) {
                    formatter.stop(1000);
                    throw new StackException("formatting Kafka storage failed ("
                            + exit.map(c -> "exit code " + c).orElse("no exit within 60 s") + ")\n" + formatter.describeLog());
                }
            }
            ManagedProcess broker = ManagedProcess.start("kafka",
                    command(classpath, runMarker, "kafka.Kafka", config.toString()), Map.of(), dir, dir.resolve("kafka.log"));
            broker.awaitReady("ready on port " + port, Duration.ofSeconds(90),
                    () -> Ports.accepts(port) && logSays(broker.log(), "Kafka Server started"));
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean logSays(Path log, String text) {
        return ManagedProcess.tail(log, 400).contains(text);
    }

    private static List<String> command(String classpath, String runMarker, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProjectLayout.javaBinary().toString(), runMarker,
                "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                "-cp", classpath, mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * A KRaft cluster id: 16 random bytes, base64url without padding (what StorageTool random-uuid
     * prints). One starting with '-' would be read as an option by the storage tool's argument parser
     * (Kafka's own Uuid generator avoids them too), so such ids are drawn again.
     */
    static String clusterId() {
        SecureRandom random = new SecureRandom();
        while (true) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            if (id.charAt(0) != '-') {
                return id;
            }
        }
    }

    static String properties(Path data, int port, int controllerPort) {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=1",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "share.coordinator.state.topic.num.partitions=4",
                "group.initial.rebalance.delay.ms=0",
                // batch frames can be several MB
                "message.max.bytes=33554432",
                "replica.fetch.max.bytes=33554432",
                "log.retention.hours=24",
                "log.segment.bytes=67108864",
                "") ;
    }
}
