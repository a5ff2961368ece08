package io.metaloop.messaging;

import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.Json;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer side of the pull protocol: reads requests (JSON) from a topic as a consumer group,
 * so replicas share the work, and sends each request's reply frames to the topic the handler
 * names. A request that is not valid JSON is reported with its offset and skipped; offsets are
 * committed after the replies are handed to the producer.
 */
public final class RequestServer<T> {
    private static final Logger LOG = LoggerFactory.getLogger(RequestServer.class);

    /** Frames to send, in order, to one topic. */
    public record Reply(String topic, String key, List<byte[]> frames) {
    }

    private final KafkaClients clients;
    private final Producer<String, byte[]> producer;
    private final String topic;
    private final String group;
    private final Class<T> type;
    private final Function<T, Reply> handler;
    private final Consumer<RejectedRecord> onRejected;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public RequestServer(KafkaClients clients, Producer<String, byte[]> producer, String topic, String group,
                         Class<T> type, Function<T, Reply> handler, Consumer<RejectedRecord> onRejected) {
        this.clients = clients;
        this.producer = producer;
        this.topic = topic;
        this.group = group;
        this.type = type;
        this.handler = handler;
        this.onRejected = onRejected;
    }

    public synchronized void start() {
        consumer = new KafkaConsumer<>(clients.consumer(group));
        consumer.subscribe(List.of(topic));
        thread = new Thread(this::run, topic + "-server");
        thread.start();
    }

    public void stop(Duration wait) throws InterruptedException {
        if (consumer != null) {
            consumer.wakeup();
            thread.join(wait.toMillis());
        }
    }

    public boolean isAlive() {
        return thread != null && thread.isAlive();
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    handle(record);
                }
                consumer.commitAsync();
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("request server for {} stopped", topic, e);
            throw e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        T request;
        try {
            request = Json.read(record.value(), type);
        } catch (InvalidMessageException e) {
            onRejected.accept(new RejectedRecord(record.topic(), record.partition(), record.offset(), e.getMessage()));
            return;
        }
        Reply reply = handler.apply(request);
        for (byte[] frame : reply.frames()) {
            producer.send(new ProducerRecord<>(reply.topic(), reply.key(), frame));
        }
    }
}
