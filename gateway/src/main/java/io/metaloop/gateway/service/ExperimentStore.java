package io.metaloop.gateway.service;

import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.Topics;
import io.metaloop.messaging.KafkaClients;
import io.metaloop.messaging.MessagePublisher;
import io.metaloop.messaging.TopicSetup;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Experiments as a view of the compacted {@link Topics#EXPERIMENTS} topic, the source of truth.
 * At start-up the whole topic is read back before the gateway reports ready, so a restarted
 * gateway knows every experiment; afterwards the view follows the topic. Writes go to the topic
 * first and into the view once the broker has them. Among copies of a record the highest
 * version wins.
 */
@ApplicationScoped
public class ExperimentStore {
    private static final Logger LOG = Logger.getLogger(ExperimentStore.class);

    private final KafkaClients clients;
    private final MessagePublisher publisher;
    private final Admin admin;
    private final Map<String, ExperimentRecord> experiments = new ConcurrentHashMap<>();
    private volatile boolean loaded;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread follower;

    public ExperimentStore(KafkaClients clients, Producer<String, byte[]> producer, Admin admin) {
        this.clients = clients;
        this.publisher = new MessagePublisher(producer);
        this.admin = admin;
    }

    void onStart(@Observes StartupEvent event) {
        TopicSetup.ensureStandard(admin, (short) 1);
        consumer = new KafkaConsumer<>(clients.consumer(null));
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.EXPERIMENTS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            consumer.poll(Duration.ofMillis(200)).forEach(this::applyStored);
        }
        loaded = true;
        LOG.infof("loaded %d experiments from %s", experiments.size(), Topics.EXPERIMENTS);
        follower = new Thread(this::follow, "experiments-follower");
        follower.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        if (consumer != null) {
            consumer.wakeup();
            follower.join(5000);
        }
    }

    private void follow() {
        try {
            while (true) {
                consumer.poll(Duration.ofMillis(500)).forEach(this::applyStored);
            }
        } catch (WakeupException e) {
            // shutting down
        } finally {
            consumer.close();
        }
    }

    private void applyStored(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            experiments.remove(record.key());
            return;
        }
        try {
            keepNewest(Json.read(record.value(), ExperimentRecord.class));
        } catch (InvalidMessageException e) {
            LOG.warnf("skipping unreadable experiment record %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    private void keepNewest(ExperimentRecord record) {
        experiments.merge(record.id(), record, (old, incoming) -> incoming.version() >= old.version() ? incoming : old);
    }

    /** True once the topic has been read back to where it stood at start-up. */
    public boolean isLoaded() {
        return loaded;
    }

    public Optional<ExperimentRecord> get(String id) {
        return Optional.ofNullable(experiments.get(id));
    }

    /** Newest first. */
    public List<ExperimentRecord> list() {
        return experiments.values().stream().sorted(Comparator.comparing(ExperimentRecord::createdAt).reversed()).toList();
    }

    /** Stores a record durably (waits for the broker) and then shows it. */
    public ExperimentRecord save(ExperimentRecord record) {
        publisher.send(Topics.EXPERIMENTS, record.id(), record);
        keepNewest(record);
        return record;
    }

    /** Applies a change to a stored experiment; empty if there is no such experiment. */
    public synchronized Optional<ExperimentRecord> update(String id, UnaryOperator<ExperimentRecord> change) {
        ExperimentRecord current = experiments.get(id);
        if (current == null) {
            return Optional.empty();
        }
        ExperimentRecord next = change.apply(current);
        return Optional.of(next == current ? current : save(next));
    }
}
