package io.metaloop.trainer.service;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.EpisodeSpec;
import io.metaloop.contracts.spec.ValidationSpec;
import io.metaloop.learning.eval.FewShotValidation;
import io.metaloop.learning.train.BatchSource;
import io.metaloop.learning.train.EpochPreparation;
import io.metaloop.learning.train.Validation;
import io.metaloop.messaging.EpisodeStream;
import java.util.ArrayList;
import java.util.List;
import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Progress;
import io.metaloop.contracts.TrainJob;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.TrainingPosition;
import io.metaloop.learning.method.Methods;
import io.metaloop.learning.method.TrainingMethod;
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
 * there is one, streams the training split over Kafka (batches, or meta-batches of episodes for
 * few-shot methods, meta-validated after every epoch when the experiment asks), and reports
 * STARTED, PROGRESS, EPOCH_COMPLETED, VALIDATED and TRAINED (or FAILED) events, each stamped with
 * the job's attempt (its fencing epoch).
 *
 * <p>While it runs, the job's attempt holds a lease at the gateway, renewed by a HEARTBEAT event every
 * {@code metaloop.trainer.heartbeat-interval}. A replica killed outright stops renewing; the gateway
 * then queues the next attempt, which resumes from the latest checkpoint. A replica that only seemed
 * dead (paused, cut off) and wakes up finds its writes refused ({@link CheckpointRepository.FencedOffException})
 * and its events ignored, and drops the job. A job interrupted by a shutdown is RELEASED: the gateway
 * queues the next attempt at once.
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
    private final java.util.concurrent.ScheduledExecutorService heartbeats =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "job-heartbeat");
                t.setDaemon(true);
                return t;
            });

    /**
     * Where a job's training data comes from, its meta-validation when it has one, and the whole
     * training split for a method that prepares its epochs from it (else null); closing deletes the streams.
     */
    private record TrainingData(BatchSource source, Validation validation, BatchSource trainingSplit,
                                List<AutoCloseable> streams) implements AutoCloseable {
        @Override
        public void close() {
            for (AutoCloseable stream : streams) {
                try {
                    stream.close();
                } catch (Exception e) {
                    LOG.warnf("could not close a data stream: %s", e.toString());
                }
            }
        }
    }

    /**
     * Batches of the training split for batch-trained methods (shuffled, last short batch dropped)
     * and, for a method that is an {@link EpochPreparation} (DeepCluster), a second stream of the whole
     * split in stored order, not augmented, last batch kept; for few-shot methods, meta-batches of
     * episodes of the training split and, with meta-validation, the validation split's fixed episodes.
     */
    private TrainingData trainingData(TrainJob job, TrainingMethod method, PullStream.Settings settings) {
        ExperimentSpec spec = job.spec();
        DatasetInfo data = job.dataset();
        String prefix = job.experimentId() + "-" + job.attempt();
        if (!spec.isEpisodic()) {
            BatchQuery query = new BatchQuery(prefix + "-train", data.name(), spec.splits().train(), spec.seed(),
                    spec.batchSize(), true, true, spec.augment());
            BatchStream stream = new BatchStream(clients, producer, admin, query, settings, metrics::rejected);
            if (!(method instanceof EpochPreparation)) {
                return new TrainingData(new KafkaBatchSource(stream), null, null, List.of(stream));
            }
            BatchQuery whole = new BatchQuery(prefix + "-split", data.name(), spec.splits().train(), spec.seed(),
                    spec.batchSize(), false, false);
            BatchStream split = new BatchStream(clients, producer, admin, whole, settings, metrics::rejected);
            return new TrainingData(new KafkaBatchSource(stream), null, new KafkaBatchSource(split), List.of(stream, split));
        }
        EpisodeSpec episodes = spec.episodes();
        EpisodeStream train = new EpisodeStream(clients, producer, admin, new EpisodeStream.Query(prefix + "-train", data.name(),
                spec.splits().train(), spec.seed(), episodes.ways(), episodes.shots(), episodes.queries(), spec.augment()),
                settings, metrics::rejected);
        List<AutoCloseable> streams = new ArrayList<>(List.of(train));
        Validation validation = null;
        ValidationSpec v = spec.validation();
        if (v != null) {
            EpisodeStream val = new EpisodeStream(clients, producer, admin, new EpisodeStream.Query(prefix + "-val", data.name(),
                    spec.splits().validation(), v.seed(), v.ways(), v.shots(), v.queries()), settings, metrics::rejected);
            streams.add(val);
            validation = new FewShotValidation((from, to, consumer) -> {
                PullStream.Reader reader = val.trials(from, to);
                for (BatchFrame frame; (frame = reader.next()) != null; ) {
                    consumer.accept(frame);
                }
            }, spec);
        }
        return new TrainingData(new KafkaEpisodeSource(train, episodes.metaBatch(), episodes.metaBatchesPerEpoch()),
                validation, null, streams);
    }

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
    private void handBack(TrainJob job, JobEventPublisher events, String worker) throws InterruptedException {
        Thread.interrupted();
        metrics.jobFinished("requeued");
        events.publish(new JobEvent(job.experimentId(), JobEvent.Type.RELEASED, worker, null, null, null,
                "handed back by " + worker + " (shutting down)", clock.instant()));
        LOG.infof("%s: interrupted; attempt %d released for the gateway to queue the next", job.experimentId(), job.attempt());
        throw new InterruptedException("job " + job.experimentId() + " handed back");
    }

    public void run(TrainJob job, String worker) throws InterruptedException {
        String id = job.experimentId();
        ExperimentSpec spec = job.spec();
        JobEventPublisher events = this.events.forAttempt(job.attempt());
        CheckpointRepository.Attempt checkpoints = this.checkpoints.attempt(id, job.attempt());
        metrics.busy(true);
        java.util.concurrent.ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> heartbeat(events, id, worker),
                0, config.heartbeatInterval().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            DatasetInfo data = job.dataset();
            checkpoints.claim();
            TrainingMethod method = Methods.create(spec, data);
            // data epochs: MAXL's seed schedule makes each of its epochs two passes over the data
            int epochs = spec.epochs() * method.passesPerEpoch();
            TrainingPosition start = TrainingPosition.START;
            Optional<Checkpoint> resume = checkpoints.latest();
            if (resume.isPresent()) {
                method.restore(resume.get());
                start = resume.get().position();
                LOG.infof("%s: resuming at %s", id, start);
            }
            events.publish(new JobEvent(id, JobEvent.Type.STARTED, worker, new Progress(start.epochsDone(), epochs, start.batch(),
                    Math.max(0, spec.stepsPerEpochIfKnown())), null, null, null, clock.instant()));
            PullStream.Settings settings = new PullStream.Settings(config.prefetchBatches(), Duration.ofSeconds(15),
                    Duration.ofMinutes(3));
            ProgressReporter reporter = new ProgressReporter(id, worker, epochs, config.progressInterval(), events, metrics, clock);
            String finalKey = null;
            // a method trained for 0 epochs (random weights, the self-supervised lower bound) needs no data
            if (epochs > 0) {
                try (TrainingData training = trainingData(job, method, settings);
                     PrefetchingBatchSource batches = new PrefetchingBatchSource(training.source(), DECODED_AHEAD, epochs - 1)) {
                    TrainingLoop loop = new TrainingLoop(method, batches, checkpoints, reporter, config.checkpointInterval(),
                            training.validation(), training.trainingSplit());
                    finalKey = loop.run(id, start, epochs);
                }
            }
            if (finalKey == null) {
                finalKey = checkpoints.save(method.checkpoint(id, TrainingPosition.epochStart(epochs)));
            }
            events.publish(new JobEvent(id, JobEvent.Type.TRAINED, worker, new Progress(epochs, epochs, 0, reporter.stepsPerEpoch()),
                    reporter.last(), finalKey, null, clock.instant()));
            metrics.jobFinished("trained");
            LOG.infof("%s: trained, final checkpoint %s", id, finalKey);
        } catch (InterruptedException | InterruptException e) {
            heartbeat.cancel(false);
            handBack(job, events, worker);
        } catch (CheckpointRepository.FencedOffException e) {
            // a newer attempt runs this job: this one lost its lease (paused, cut off) and must not report anything
            LOG.warnf("%s: %s; dropping the job", id, e.getMessage());
            metrics.jobFinished("fenced");
        } catch (RuntimeException | Error e) {
            if (Thread.currentThread().isInterrupted()) {
                heartbeat.cancel(false);
                handBack(job, events, worker); // the shutdown's interrupt surfaced as a failure of whatever was running
            }
            LOG.errorf(e, "%s: training failed", id);
            metrics.jobFinished("failed");
            events.publish(new JobEvent(id, JobEvent.Type.FAILED, worker, null, null, null,
                    "training failed: " + e.getMessage(), clock.instant()));
        } finally {
            heartbeat.cancel(false);
            metrics.busy(false);
        }
    }

    /** Renews the attempt's lease; a failed send is logged, the next one may pass (the lease allows several misses). */
    private void heartbeat(JobEventPublisher events, String id, String worker) {
        try {
            events.publish(new JobEvent(id, JobEvent.Type.HEARTBEAT, worker, null, null, null, null, clock.instant()));
        } catch (RuntimeException e) {
            LOG.warnf("%s: heartbeat not sent: %s", id, e.toString());
        }
    }
}
