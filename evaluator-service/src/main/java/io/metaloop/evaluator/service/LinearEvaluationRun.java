package io.metaloop.evaluator.service;

import io.metaloop.contracts.EvalRequest;
import io.metaloop.contracts.EvalResult;
import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.LinearEvalSummary;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.LinearEvalSpec;
import io.metaloop.evaluator.config.EvaluatorConfig;
import io.metaloop.evaluator.messaging.JobEventPublisher;
import io.metaloop.learning.checkpoint.CheckpointCodec;
import io.metaloop.contracts.spec.FineTuneSpec;
import io.metaloop.learning.eval.FeatureFile;
import io.metaloop.learning.eval.FineTuning;
import io.metaloop.learning.eval.LinearEvaluation;
import io.metaloop.learning.model.Classifier;
import io.metaloop.messaging.BatchQuery;
import io.metaloop.messaging.BatchStream;
import io.metaloop.messaging.KafkaClients;
import io.metaloop.messaging.PullStream;
import io.metaloop.storage.ObjectKeys;
import io.metaloop.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.InterruptException;
import org.jboss.logging.Logger;

/**
 * Linear evaluation of a checkpoint's backbone (libs/learning {@link LinearEvaluation}), or its
 * fine-tuning when the settings ask for it ({@link FineTuning}). Linear evaluation: the
 * features of the training and test splits, streamed over Kafka in stored order without
 * augmentation, are computed once per (checkpoint, dataset, split, label level, normalisation) and
 * cached in the object store under {@code features/}; then the linear head is trained on them and
 * scored. Publishes an {@link EvalResult} with a {@link LinearEvalSummary} (and a copy under
 * {@code reports/}). Failures become FAILED job events naming the cause; an evaluation interrupted
 * by a shutdown goes back on the queue.
 */
@ApplicationScoped
public class LinearEvaluationRun {
    private static final Logger LOG = Logger.getLogger(LinearEvaluationRun.class);

    private final KafkaClients clients;
    private final Producer<String, byte[]> producer;
    private final Admin admin;
    private final ObjectStore store;
    private final JobEventPublisher events;
    private final EvaluatorMetrics metrics;
    private final EvaluatorConfig config;
    private final Clock clock = Clock.systemUTC();

    public LinearEvaluationRun(KafkaClients clients, Producer<String, byte[]> producer, Admin admin, ObjectStore store,
                               JobEventPublisher events, EvaluatorMetrics metrics, EvaluatorConfig config) {
        this.clients = clients;
        this.producer = producer;
        this.admin = admin;
        this.store = store;
        this.events = events;
        this.metrics = metrics;
        this.config = config;
    }

    public void run(EvalRequest request, String worker) throws InterruptedException {
        long start = System.nanoTime();
        LinearEvalSpec settings = request.linear().settings();
        try {
            events.publish(new JobEvent(request.experimentId(), JobEvent.Type.EVALUATING, worker, null, null, null, null,
                    clock.instant()));
            Classifier backbone = Classifier.encoderFromCheckpoint(CheckpointCodec.decode(store.require(request.checkpointKey())));
            if (settings.finetune() != null) {
                fineTune(request, backbone, worker, start);
                return;
            }
            Features train = features(request, backbone, settings.trainSplit());
            Features test = features(request, backbone, settings.testSplit());
            double featureSeconds = (System.nanoTime() - start) / 1e9;
            long headStart = System.nanoTime();
            LinearEvaluation.Result result = LinearEvaluation.run(train.features(), test.features(), request.linear().classes(),
                    new LinearEvaluation.Settings(settings.epochs(), settings.batchSize(), settings.learningRate(), settings.seed()));
            double headSeconds = (System.nanoTime() - headStart) / 1e9;
            double seconds = (System.nanoTime() - start) / 1e9;
            LinearEvalSummary summary = new LinearEvalSummary(settings, request.linear().classes(), result.trainExamples(),
                    result.trainAccuracy(), result.finalLoss(), featureSeconds, headSeconds, train.cached() && test.cached());
            EvalResult published = new EvalResult(request.experimentId(), settings.dataset(), settings.testSplit(),
                    request.checkpointKey(), result.testExamples(), result.testCorrect(), result.testAccuracy(), seconds, worker,
                    clock.instant(), null, summary, null);
            store.put(ObjectKeys.evaluationReport(request.experimentId()), Json.write(published), "application/json");
            events.publish(published);
            metrics.evaluationDone(System.nanoTime() - start, result.testExamples(), "succeeded");
            LOG.infof("%s: linear evaluation %.4f on %d %s/%s images (head trained on %d, %.1f s features%s, %.1f s head)",
                    request.experimentId(), result.testAccuracy(), result.testExamples(), settings.dataset(),
                    settings.testSplit(), result.trainExamples(), featureSeconds, summary.featuresCached() ? " (cached)" : "",
                    headSeconds);
        } catch (InterruptedException | InterruptException e) {
            handBack(request, start);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                handBack(request, start); // the shutdown's interrupt surfaced as a failure
            }
            LOG.errorf(e, "%s: linear evaluation failed", request.experimentId());
            metrics.evaluationDone(System.nanoTime() - start, 0, "failed");
            events.publish(new JobEvent(request.experimentId(), JobEvent.Type.FAILED, worker, null, null, null,
                    "linear evaluation failed: " + e.getMessage(), clock.instant()));
        }
    }

    private record Features(LinearEvaluation.Features features, boolean cached) {
    }

    /**
     * Fine-tunes backbone and head together ({@link FineTuning}): every epoch the training split is
     * streamed shuffled by (seed, epoch) with the fine-tuning augmentation, then the test split once.
     */
    private void fineTune(EvalRequest request, Classifier backbone, String worker, long start) throws InterruptedException {
        LinearEvalSpec settings = request.linear().settings();
        FineTuneSpec tune = settings.finetune();
        FineTuning tuning = new FineTuning(backbone, request.linear().classes(), settings.level(), settings.epochs(),
                settings.learningRate(), tune, settings.seed(), settings.normalize());
        PullStream.Settings pull = new PullStream.Settings(config.prefetchBatches(), Duration.ofSeconds(15), Duration.ofMinutes(3));
        BatchQuery trainQuery = new BatchQuery(request.experimentId() + "-finetune-" + System.nanoTime(), settings.dataset(),
                settings.trainSplit(), settings.seed(), settings.batchSize(), true, false, tune.augment());
        long trainExamples = 0;
        double lastEpochLoss = Double.NaN;
        try (BatchStream stream = new BatchStream(clients, producer, admin, trainQuery, pull, metrics::rejected)) {
            for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                BatchStream.EpochReader reader = stream.open(epoch);
                double total = 0;
                long seen = 0;
                for (BatchFrame batch; (batch = reader.next()) != null; ) {
                    total += tuning.step(batch) * batch.count();
                    seen += batch.count();
                }
                trainExamples = seen;
                lastEpochLoss = total / Math.max(1, seen);
                LOG.infof("%s: fine-tuning epoch %d of %d, loss %.4f", request.experimentId(), epoch + 1, settings.epochs(),
                        lastEpochLoss);
            }
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        long testStart = System.nanoTime();
        long examples = 0;
        long correct = 0;
        BatchQuery testQuery = new BatchQuery(request.experimentId() + "-finetune-test-" + System.nanoTime(), settings.dataset(),
                settings.testSplit(), 0, config.batchSize(), false, false);
        try (BatchStream stream = new BatchStream(clients, producer, admin, testQuery, pull, metrics::rejected)) {
            BatchStream.EpochReader reader = stream.open(0);
            for (BatchFrame batch; (batch = reader.next()) != null; ) {
                correct += tuning.correct(batch);
                examples += batch.count();
                metrics.trials(batch.count());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LinearEvalSummary summary = new LinearEvalSummary(settings, request.linear().classes(), trainExamples, null,
                lastEpochLoss, 0, trainSeconds + (System.nanoTime() - testStart) / 1e9, false);
        EvalResult published = new EvalResult(request.experimentId(), settings.dataset(), settings.testSplit(),
                request.checkpointKey(), examples, correct, examples == 0 ? 0 : (double) correct / examples, seconds, worker,
                clock.instant(), null, summary, null);
        store.put(ObjectKeys.evaluationReport(request.experimentId()), Json.write(published), "application/json");
        events.publish(published);
        metrics.evaluationDone(System.nanoTime() - start, examples, "succeeded");
        LOG.infof("%s: fine-tuned accuracy %.4f on %d %s/%s images", request.experimentId(), published.accuracy(), examples,
                settings.dataset(), settings.testSplit());
    }

    /** The split's features: from the cache when present and readable, else computed over Kafka and cached. */
    private Features features(EvalRequest request, Classifier backbone, String split) throws InterruptedException {
        LinearEvalSpec settings = request.linear().settings();
        String key = ObjectKeys.features(request.experimentId(), cacheHash(request.checkpointKey(), settings, split));
        Optional<byte[]> cached = store.get(key);
        if (cached.isPresent()) {
            try {
                return new Features(FeatureFile.decode(cached.get()), true);
            } catch (IllegalArgumentException e) {
                LOG.warnf("%s: cached features %s unreadable (%s); computing them again", request.experimentId(), key,
                        e.getMessage());
            }
        }
        LinearEvaluation.Collector collector = new LinearEvaluation.Collector(settings.level());
        BatchQuery query = new BatchQuery(request.experimentId() + "-lineval-" + split + "-" + System.nanoTime(),
                settings.dataset(), split, 0, config.batchSize(), false, false);
        PullStream.Settings pull = new PullStream.Settings(config.prefetchBatches(), Duration.ofSeconds(15), Duration.ofMinutes(3));
        try (BatchStream stream = new BatchStream(clients, producer, admin, query, pull, metrics::rejected)) {
            BatchStream.EpochReader reader = stream.open(0);
            for (BatchFrame batch; (batch = reader.next()) != null; ) {
                try {
                    collector.add(LinearEvaluation.features(backbone, batch, settings.normalize()), batch);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("split '" + split + "' of " + settings.dataset() + ": " + e.getMessage(), e);
                }
                metrics.trials(batch.count());
            }
        }
        LinearEvaluation.Features features = collector.features();
        store.put(key, FeatureFile.encode(features), "application/octet-stream");
        return new Features(features, false);
    }

    /** Identifies cached features: the checkpoint, the images (dataset, split) and how they were turned into tensors. */
    static String cacheHash(String checkpointKey, LinearEvalSpec settings, String split) {
        String identity = checkpointKey + "\n" + settings.dataset() + "\n" + split + "\n" + settings.level() + "\n"
                + (settings.normalize() == null ? "none" : Json.writeString(settings.normalize()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** This replica is shutting down: hand the evaluation back (interrupt flag cleared so the re-queue can be sent). */
    private void handBack(EvalRequest request, long start) throws InterruptedException {
        Thread.interrupted();
        metrics.evaluationDone(System.nanoTime() - start, 0, "requeued");
        events.requeue(request);
        throw new InterruptedException("linear evaluation of " + request.experimentId() + " handed back");
    }
}
