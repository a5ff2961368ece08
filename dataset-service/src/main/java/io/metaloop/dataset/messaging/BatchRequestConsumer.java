package io.metaloop.dataset.messaging;

import io.metaloop.contracts.BatchRequest;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.Topics;
import io.metaloop.dataset.service.BatchServer;
import io.metaloop.messaging.KafkaClients;
import io.metaloop.messaging.RejectedRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Serves {@link BatchRequest}s from {@link Topics#BATCH_REQUESTS}: each request's frames go to the
 * requesting stream's topic. Replicas share the work as one consumer group. A request that is not
 * valid JSON is logged with its offset, counted, and skipped.
 */
@ApplicationScoped
public class BatchRequestConsumer {
    private static final Logger LOG = Logger.getLogger(BatchRequestConsumer.class);
    static final String GROUP = "metaloop-dataset-service";

    private final KafkaClients clients;
    private final Producer<String, byte[]> producer;
    private final BatchServer server;
    private final MeterRegistry registry;
    private final Counter rejected;
    private final Timer requestTime;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public BatchRequestConsumer(KafkaClients clients, Producer<String, byte[]> producer, BatchServer server,
                                MeterRegistry registry) {
        this.clients = clients;
        this.producer = producer;
        this.server = server;
        this.registry = registry;
        this.rejected = Counter.builder("metaloop.rejected.records").tag("topic", Topics.BATCH_REQUESTS)
                .description("Kafka records that could not be decoded and were skipped").register(registry);
        this.requestTime = Timer.builder("metaloop.dataset.request.duration")
                .description("Time to assemble and send the frames of one batch request").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        consumer = new KafkaConsumer<>(clients.consumer(GROUP));
        consumer.subscribe(List.of(Topics.BATCH_REQUESTS));
        thread = new Thread(this::run, "batch-requests");
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        consumer.wakeup();
        thread.join(10_000);
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
            // shutting down
        } catch (RuntimeException e) {
            LOG.error("batch request consumer stopped", e);
            throw e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        BatchRequest request;
        try {
            request = Json.read(record.value(), BatchRequest.class);
        } catch (InvalidMessageException e) {
            rejected.increment();
            LOG.warn("skipping " + new RejectedRecord(record.topic(), record.partition(), record.offset(), e.getMessage()));
            return;
        }
        requestTime.record(() -> {
            String topic = Topics.batches(request.streamId());
            long bytes = 0;
            int batches = 0;
            for (BatchServer.Served served : server.serve(request)) {
                producer.send(new ProducerRecord<>(topic, request.streamId(), served.frame()));
                bytes += served.frame().length;
                batches += served.images() > 0 ? 1 : 0;
            }
            registry.counter("metaloop.dataset.batches.served", "dataset", request.dataset(), "split", request.split())
                    .increment(batches);
            registry.counter("metaloop.dataset.bytes.served", "dataset", request.dataset(), "split", request.split())
                    .increment(bytes);
        });
    }
}
