package io.metaloop.gateway.messaging;

import io.metaloop.contracts.EvalResult;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.Topics;
import io.metaloop.gateway.service.ExperimentService;
import io.metaloop.messaging.KafkaClients;
import io.metaloop.messaging.RejectedRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Job events and evaluation results into experiment state. Offsets are committed after the
 * records are applied, so a restarted gateway re-applies rather than loses them (applying an
 * event twice is harmless: the transitions are idempotent in outcome). Unreadable records are
 * counted, logged with their offset and skipped.
 */
@ApplicationScoped
public class EventConsumer {
    private static final Logger LOG = Logger.getLogger(EventConsumer.class);
    static final String GROUP = "metaloop-gateway";

    private final KafkaClients clients;
    private final ExperimentService experiments;
    private final MeterRegistry registry;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public EventConsumer(KafkaClients clients, ExperimentService experiments, MeterRegistry registry) {
        this.clients = clients;
        this.experiments = experiments;
        this.registry = registry;
    }

    /** Runs after the experiment store has loaded: its observer has the default priority, APPLICATION + 500. */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent event) {
        consumer = new KafkaConsumer<>(clients.consumer(GROUP));
        consumer.subscribe(List.of(Topics.JOB_EVENTS, Topics.EVAL_RESULTS));
        thread = new Thread(this::run, "experiment-events");
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        if (consumer != null) {
            consumer.wakeup();
            thread.join(5000);
        }
    }

    private void run() {
        try {
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    handle(record);
                }
                consumer.commitSync();
            }
        } catch (WakeupException e) {
            // shutting down
        } catch (RuntimeException e) {
            LOG.error("event consumer stopped", e);
            throw e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.topic().equals(Topics.EVAL_RESULTS)) {
                experiments.onEvalResult(Json.read(record.value(), EvalResult.class));
            } else {
                experiments.onJobEvent(Json.read(record.value(), JobEvent.class));
            }
        } catch (InvalidMessageException e) {
            registry.counter("metaloop.rejected.records", "topic", record.topic()).increment();
            LOG.warn("skipping " + new RejectedRecord(record.topic(), record.partition(), record.offset(), e.getMessage()));
        }
    }
}
