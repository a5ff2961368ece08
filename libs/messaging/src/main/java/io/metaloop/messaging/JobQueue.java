package io.metaloop.messaging;

import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;

/**
 * A work queue on a Kafka share group: any idle member takes the next job, so a long job never
 * blocks the ones behind it. A member joins only while idle ({@link #take}) and leaves once it
 * holds a job, so a busy worker never keeps jobs locked that another worker could run.
 *
 * <p>A taken job is acknowledged at once: from then on the worker owns it and reports progress
 * as job events. A record that is not a valid job is rejected (archived by the broker), reported,
 * and skipped.
 */
public final class JobQueue<T> {
    private final Map<String, Object> settings;
    private final String topic;
    private final Class<T> type;
    private final Consumer<RejectedRecord> onRejected;

    public JobQueue(KafkaClients clients, String topic, String group, Class<T> type, Consumer<RejectedRecord> onRejected) {
        this.settings = clients.shareConsumer(group);
        this.topic = topic;
        this.type = type;
        this.onRejected = onRejected;
    }

    /** Waits up to {@code timeout} for the next job. */
    public Optional<T> take(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaShareConsumer<String, byte[]> consumer = new KafkaShareConsumer<>(settings)) {
            consumer.subscribe(List.of(topic));
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    try {
                        T job = Json.read(record.value(), type);
                        consumer.acknowledge(record, AcknowledgeType.ACCEPT);
                        consumer.commitSync();
                        return Optional.of(job);
                    } catch (InvalidMessageException e) {
                        consumer.acknowledge(record, AcknowledgeType.REJECT);
                        consumer.commitSync();
                        onRejected.accept(new RejectedRecord(record.topic(), record.partition(), record.offset(), e.getMessage()));
                    }
                }
            }
            return Optional.empty();
        }
    }
}
