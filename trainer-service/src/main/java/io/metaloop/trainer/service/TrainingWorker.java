package io.metaloop.trainer.service;

import io.metaloop.contracts.Topics;
import io.metaloop.contracts.TrainJob;
import io.metaloop.learning.NativeBackend;
import io.metaloop.messaging.JobQueue;
import io.metaloop.messaging.KafkaClients;
import io.metaloop.messaging.QueueWorker;
import io.metaloop.messaging.TopicSetup;
import io.metaloop.storage.ObjectStore;
import io.metaloop.trainer.config.TrainerConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;

/** Starts the replica's worker: one training job at a time, taken from the shared queue when idle. */
@ApplicationScoped
public class TrainingWorker {
    private static final Logger LOG = Logger.getLogger(TrainingWorker.class);

    private final ObjectStore store;
    private final Admin admin;
    private final QueueWorker<TrainJob> worker;

    public TrainingWorker(JobRunner runner, KafkaClients clients, TrainerMetrics metrics, TrainerConfig config,
                          ObjectStore store, Admin admin) {
        this.store = store;
        this.admin = admin;
        String name = "trainer-service@" + ManagementFactory.getRuntimeMXBean().getName();
        JobQueue<TrainJob> queue = new JobQueue<>(clients, Topics.JOBS, Topics.TRAINERS_GROUP, TrainJob.class, metrics::rejected);
        this.worker = new QueueWorker<>("training-worker", queue, config.queuePoll(), job -> {
            LOG.infof("took job %s (attempt %d)", job.experimentId(), job.attempt());
            runner.run(job, name);
        });
    }

    void onStart(@Observes StartupEvent event) {
        String backend = NativeBackend.configure();
        LOG.infof("ND4J platform extension: %s", backend == null ? "(not a CPU build)" : "'" + backend + "'");
        store.ensureBucket();
        TopicSetup.ensureStandard(admin, (short) 1);
        worker.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        worker.stop(Duration.ofSeconds(15));
    }

    public boolean isAlive() {
        return worker.isAlive();
    }
}
