package io.metaloop.trainer.service;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Progress;
import io.metaloop.contracts.TrainJob;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.TrainingPosition;
import io.metaloop.learning.method.Methods;
import io.metaloop.learning.method.TrainingMethod;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.train.PrefetchingBatchSource;
import io.metaloop.learning.train.TrainingLoop;
import io.metaloop.messaging.BatchQuery;
import io.metaloop.messaging.BatchStream;
import io.metaloop.messaging.PullStream;
import io.metaloop.messaging.KafkaClients;
import io.metaloop.trainer.config.TrainerConfig;
import io.metaloop.trainer.messaging.JobEventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.InterruptException;
import org.jboss.logging.Logger;

/**
 * Runs one training job: builds the method, resumes from the experiment's latest checkpoint if
 * there is one, streams the training split over Kafka, and reports STARTED, PROGRESS,
 * EPOCH_COMPLETED and TRAINED (or FAILED) events. A job interrupted by a shutdown goes back on
 * the queue. (A replica killed outright cannot do that; see the README's known limits.)
 */
@ApplicationScoped
public class JobRunner {
    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    /** Batches received and decoded ahead of the training step, on top of the pull window in flight. */
    private static final int DECODED_AHEAD = 4;

    private final KafkaClients clients;
    private final Producer<String, byte[]> producer;
    private final Admin admin;
    private final CheckpointRepository checkpoints;
    private final JobEventPublisher events;
    private final TrainerMetrics metrics;
    private final TrainerConfig config;
    private final Clock clock = Clock.systemUTC();

    public JobRunner(KafkaClients clients, Producer<String, byte[]> producer, Admin admin,
                     CheckpointRepository checkpoints, JobEventPublisher events, TrainerMetrics metrics,
                     TrainerConfig config) {
        this.clients = clients;
        this.producer = producer;
        this.admin = admin;
        this.checkpoints = checkpoints;
        this.events = events;
        this.metrics = metrics;
        this.config = config;
    }

    /**
     * This replica is shutting down: hand the job back so another trainer resumes it from its checkpoint.
     * The interrupt flag is cleared first, or the broker call that re-queues the job would itself be interrupted.
     */
    private void handBack(TrainJob job) throws InterruptedException {
        Thread.interrupted();
        metrics.jobFinished("requeued");
        events.requeue(new TrainJob(job.experimentId(), job.spec(), job.dataset(), job.attempt() + 1, clock.instant()));
        LOG.infof("%s: interrupted; queued again as attempt %d", job.experimentId(), job.attempt() + 1);
        throw new InterruptedException("job " + job.experimentId() + " handed back");
    }

    public void run(TrainJob job, String worker) throws InterruptedException {
        String id = job.experimentId();
        int epochs = job.spec().epochs();
        metrics.busy(true);
        try {
            DatasetInfo data = job.dataset();
            ModelSpec model = new ModelSpec(job.spec().backbone(), data.channels(), data.height(), data.width(),
                    data.classes().size());
            TrainingMethod method = Methods.create(job.spec().method(), model, job.spec().learningRate(), job.spec().seed());
            TrainingPosition start = TrainingPosition.START;
            Optional<Checkpoint> resume = checkpoints.latest(id);
            if (resume.isPresent()) {
                method.restore(resume.get());
                start = resume.get().position();
                LOG.infof("%s: resuming at %s", id, start);
            }
            events.publish(new JobEvent(id, JobEvent.Type.STARTED, worker, new Progress(start.epochsDone(), epochs, start.batch(), 0),
                    null, null, null, clock.instant()));
            BatchQuery query = new BatchQuery(id + "-train-" + job.attempt(), data.name(), "train", job.spec().seed(),
                    job.spec().batchSize(), true, true, job.spec().augment());
            PullStream.Settings settings = new PullStream.Settings(config.prefetchBatches(), Duration.ofSeconds(15),
                    Duration.ofMinutes(3));
            ProgressReporter reporter = new ProgressReporter(id, worker, epochs, config.progressInterval(), events, metrics, clock);
            String finalKey;
            try (BatchStream stream = new BatchStream(clients, producer, admin, query, settings, metrics::rejected);
                 PrefetchingBatchSource batches = new PrefetchingBatchSource(new KafkaBatchSource(stream),
                         DECODED_AHEAD, epochs - 1)) {
                TrainingLoop loop = new TrainingLoop(method, batches, checkpoints, reporter, config.checkpointInterval());
                finalKey = loop.run(id, start, epochs);
            }
            if (finalKey == null) {
                finalKey = checkpoints.save(method.checkpoint(id, TrainingPosition.epochStart(epochs)));
            }
            events.publish(new JobEvent(id, JobEvent.Type.TRAINED, worker, new Progress(epochs, epochs, 0, reporter.stepsPerEpoch()),
                    reporter.last(), finalKey, null, clock.instant()));
            metrics.jobFinished("trained");
            LOG.infof("%s: trained, final checkpoint %s", id, finalKey);
        } catch (InterruptedException | InterruptException e) {
            handBack(job);
        } catch (RuntimeException | Error e) {
            if (Thread.currentThread().isInterrupted()) {
                handBack(job); // the shutdown's interrupt surfaced as a failure of whatever was running
            }
            LOG.errorf(e, "%s: training failed", id);
            metrics.jobFinished("failed");
            events.publish(new JobEvent(id, JobEvent.Type.FAILED, worker, null, null, null,
                    "training failed: " + e.getMessage(), clock.instant()));
        } finally {
            metrics.busy(false);
        }
    }
}
