package io.metaloop.messaging;

import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.Json;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
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
 *
 * <p>One request never stops the server: whatever the handler throws while serving it (a bug, an
 * unexpected dataset, an {@link OutOfMemoryError} from an oversized request) becomes the
 * handler's error reply naming the failure, so the client hears the reason instead of timing out,
 * and the thread goes on to the next request. {@link #isAlive()} turns false only if the thread
 * itself ends, which the services report as a DOWN liveness check.
 */
public final class RequestServer<T> {
    private static final Logger LOG = LoggerFactory.getLogger(RequestServer.class);

    /** Frames to send, in order, to one topic. */
    public record Reply(String topic, String key, List<byte[]> frames) {
    }

    /** Serves one request, and says what to answer when serving it failed. */
    public interface Handler<T> {
        /** The reply frames of a request. May throw anything; see {@link #failed}. */
        Reply serve(T request);

        /**
         * The reply (normally one error frame) to a request whose {@link #serve} threw; {@code reason}
         * names the exception. Must not throw.
         */
        Reply failed(T request, String reason);
    }

    private final KafkaClients clients;
    private final Producer<String, byte[]> producer;
    private final String topic;
    private final String group;
    private final Class<T> type;
    private final Handler<T> handler;
    private final Consumer<RejectedRecord> onRejected;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean stopping;

    public RequestServer(KafkaClients clients, Producer<String, byte[]> producer, String topic, String group,
                         Class<T> type, Handler<T> handler, Consumer<RejectedRecord> onRejected) {
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
        stopping = true;
        if (consumer != null) {
            consumer.wakeup();
            thread.join(wait.toMillis());
        }
    }

    /** True once started and until stopped, unless the serving thread died. */
    public boolean isAlive() {
        Thread t = thread;
        return t != null && (t.isAlive() || stopping);
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
        } catch (RuntimeException | Error e) {
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
        Reply reply;
        try {
            reply = handler.serve(request);
        } catch (RuntimeException | OutOfMemoryError e) {
            String reason = "serving the request at " + record.topic() + "-" + record.partition() + "@" + record.offset()
                    + " failed: " + describe(e);
            LOG.error(reason, e);
            reply = handler.failed(request, reason);
        }
        for (byte[] frame : reply.frames()) {
            producer.send(new ProducerRecord<>(reply.topic(), reply.key(), frame));
        }
    }

    /** The exception's type and message, e.g. "IllegalStateException: no labels". */
    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
