package io.metaloop.gateway.service;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentState;
import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Topics;
import io.metaloop.contracts.TrainJob;
import io.metaloop.messaging.MessagePublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Leases of running training attempts. The gateway is the only writer of experiment records, so it
 * alone decides attempts: the record's {@code attempt} is the fencing epoch, and nothing else can
 * make a second attempt with the same number.
 *
 * <ul>
 *   <li>Every event of the current attempt renews its lease (trainers send a HEARTBEAT every few
 *       seconds besides their progress).</li>
 *   <li>A RUNNING attempt not heard from for {@code metaloop.gateway.lease-timeout} has lapsed (its
 *       worker was killed, lost its node, or is paused): the record records why, moves to the next
 *       attempt and the job goes back on the queue; the next trainer resumes from the latest
 *       checkpoint. After {@code metaloop.gateway.max-attempts} the experiment FAILS instead, its
 *       record listing every attempt's reason — a poisoned job never loops.</li>
 *   <li>A RELEASED event (a worker shutting down) ends the attempt at once, the same way.</li>
 *   <li>Events of an older attempt are refused and counted ({@code metaloop.fenced.events}).</li>
 * </ul>
 *
 * Lease times live in memory: a restarted gateway gives every running attempt a full lease again.
 * One gateway replica: two would each decide attempts (deploy/k8s runs one).
 */
@ApplicationScoped
public class TrainingLeases {
    private static final Logger LOG = Logger.getLogger(TrainingLeases.class);

    private final ExperimentStore store;
    private final DatasetCatalogClient datasets;
    private final MessagePublisher publisher;
    private final MeterRegistry registry;
    private final Duration leaseTimeout;
    private final int maxAttempts;
    private final Clock clock = Clock.systemUTC();
    /** experiment id → when its current attempt was last heard from. */
    private final Map<String, Instant> lastHeard = new ConcurrentHashMap<>();
    /** experiment id → attempt whose job could not be queued yet (broker away); retried every check. */
    private final Map<String, Integer> unqueued = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "training-leases");
        t.setDaemon(true);
        return t;
    });

    public TrainingLeases(ExperimentStore store, DatasetCatalogClient datasets, Producer<String, byte[]> producer,
                          MeterRegistry registry,
                          @ConfigProperty(name = "metaloop.gateway.lease-timeout", defaultValue = "PT60S") Duration leaseTimeout,
                          @ConfigProperty(name = "metaloop.gateway.max-attempts", defaultValue = "3") int maxAttempts) {
        if (leaseTimeout.isNegative() || leaseTimeout.isZero()) {
            throw new IllegalArgumentException("metaloop.gateway.lease-timeout must be positive, got " + leaseTimeout);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("metaloop.gateway.max-attempts must be at least 1, got " + maxAttempts);
        }
        this.store = store;
        this.datasets = datasets;
        this.publisher = new MessagePublisher(producer);
        this.registry = registry;
        this.leaseTimeout = leaseTimeout;
        this.maxAttempts = maxAttempts;
    }

    /**
     * After the experiment store has loaded: a job whose next attempt was stored as QUEUED but maybe
     * never sent (the gateway stopped in between) is sent again. A second copy of the same attempt is
     * harmless: the trainers claim each attempt once (the trainer's CheckpointRepository).
     */
    void onStart(@Observes @jakarta.annotation.Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 900)
                 StartupEvent event) {
        for (ExperimentRecord r : store.list()) {
            if (r.state() == ExperimentState.QUEUED && r.attempt() > 1) {
                unqueued.put(r.id(), r.attempt());
            }
        }
        timer.scheduleWithFixedDelay(this::checkSafely, 1, 1, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }

    /**
     * Fences and renews: false when the event belongs to a superseded attempt (it must not be applied);
     * otherwise renews the lease, ends the attempt on RELEASED, and says whether the event has more to
     * apply (false for HEARTBEAT and RELEASED).
     */
    public boolean admit(JobEvent event) {
        Optional<ExperimentRecord> record = store.get(event.experimentId());
        if (record.isEmpty()) {
            return true;
        }
        if (record.get().isStale(event)) {
            registry.counter("metaloop.fenced.events", "type", event.type().name()).increment();
            LOG.warnf("%s: refused %s of attempt %d from %s: attempt %d holds the job", event.experimentId(), event.type(),
                    event.attempt(), event.worker(), record.get().attempt());
            return false;
        }
        if (event.attempt() > 0) {
            lastHeard.put(event.experimentId(), clock.instant());
        }
        if (event.type() == JobEvent.Type.RELEASED) {
            endAttempt(event.experimentId(), event.attempt(), event.message() == null ? "released by " + event.worker()
                    : event.message());
            return false;
        }
        return event.type() != JobEvent.Type.HEARTBEAT;
    }

    private void checkSafely() {
        try {
            check(clock.instant());
        } catch (RuntimeException e) {
            LOG.errorf(e, "lease check failed; retrying in 1 s");
        }
    }

    /** Ends every RUNNING attempt whose lease lapsed before {@code now}, and queues what could not be queued before. */
    void check(Instant now) {
        for (ExperimentRecord r : store.list()) {
            if (r.state() != ExperimentState.RUNNING) {
                continue;
            }
            Instant heard = lastHeard.putIfAbsent(r.id(), now); // first sight (or a restarted gateway): a full lease
            if (heard != null && Duration.between(heard, now).compareTo(leaseTimeout) > 0) {
                registry.counter("metaloop.leases.lapsed").increment();
                endAttempt(r.id(), r.attempt(), "lease lapsed: no word from " + r.worker() + " for "
                        + Duration.between(heard, now).toSeconds() + " s (lease " + leaseTimeout.toSeconds() + " s)");
            }
        }
        unqueued.forEach((id, attempt) -> queue(id, attempt));
    }

    private void endAttempt(String id, int attempt, String reason) {
        Optional<ExperimentRecord> after = store.update(id, r -> r.attempt() == attempt
                ? r.attemptEnded(reason, maxAttempts, clock.instant()) : r);
        lastHeard.remove(id);
        after.ifPresent(r -> {
            if (r.state() == ExperimentState.QUEUED && r.attempt() == attempt + 1) {
                LOG.infof("%s: attempt %d ended (%s); queued attempt %d", id, attempt, reason, r.attempt());
                queue(id, r.attempt());
            } else if (r.state() == ExperimentState.FAILED) {
                LOG.warnf("%s: %s", id, r.error());
            }
        });
    }

    private void queue(String id, int attempt) {
        Optional<ExperimentRecord> record = store.get(id);
        if (record.isEmpty() || record.get().attempt() != attempt || record.get().state() != ExperimentState.QUEUED) {
            unqueued.remove(id);
            return;
        }
        try {
            DatasetInfo dataset = datasets.find(record.get().spec().dataset()).orElseThrow(() -> new IllegalStateException(
                    "dataset " + record.get().spec().dataset() + " is no longer in the catalogue"));
            publisher.send(Topics.JOBS, id, new TrainJob(id, record.get().spec(), dataset, attempt, clock.instant()));
            unqueued.remove(id);
        } catch (RuntimeException e) {
            LOG.warnf("%s: attempt %d not queued yet (%s); retrying", id, attempt, e.getMessage());
            unqueued.put(id, attempt);
        }
    }
}
