package io.metaloop.evaluator.service;

import io.metaloop.contracts.EvalRequest;
import io.metaloop.contracts.EvalResult;
import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.evaluator.config.EvaluatorConfig;
import io.metaloop.evaluator.messaging.JobEventPublisher;
import io.metaloop.learning.checkpoint.CheckpointCodec;
import io.metaloop.learning.data.Images;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.method.auxiliary.GeneratedLabelStatistics;
import io.metaloop.learning.method.auxiliary.LabelGenerator;
import io.metaloop.learning.method.auxiliary.Maxl;
import io.metaloop.learning.model.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import io.metaloop.messaging.BatchQuery;
import io.metaloop.messaging.BatchStream;
import io.metaloop.messaging.PullStream;
import io.metaloop.messaging.KafkaClients;
import io.metaloop.storage.ObjectKeys;
import io.metaloop.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.InterruptException;
import org.jboss.logging.Logger;

/**
 * Classification accuracy of a checkpoint on a whole split: loads the checkpoint from the object
 * store, streams the split over Kafka in stored order, scores it against the request's label level
 * (for a {@code maxl} checkpoint also reporting what its label generator gives each primary
 * class), and publishes an {@link EvalResult} (and a
 * copy under {@code reports/}). Failures become FAILED job events; an evaluation interrupted by a
 * shutdown goes back on the queue.
 */
@ApplicationScoped
public class Evaluation {
    private static final Logger LOG = Logger.getLogger(Evaluation.class);

    private final KafkaClients clients;
    private final Producer<String, byte[]> producer;
    private final Admin admin;
    private final ObjectStore store;
    private final JobEventPublisher events;
    private final EvaluatorMetrics metrics;
    private final EvaluatorConfig config;
    private final Clock clock = Clock.systemUTC();

    public Evaluation(KafkaClients clients, Producer<String, byte[]> producer, Admin admin, ObjectStore store,
                      JobEventPublisher events, EvaluatorMetrics metrics, EvaluatorConfig config) {
        this.clients = clients;
        this.producer = producer;
        this.admin = admin;
        this.store = store;
        this.events = events;
        this.metrics = metrics;
        this.config = config;
    }

    /** This replica is shutting down: hand the evaluation back (interrupt flag cleared so the re-queue can be sent). */
    private void handBack(EvalRequest request, long start, long examples) throws InterruptedException {
        Thread.interrupted();
        metrics.evaluationDone(System.nanoTime() - start, examples, "requeued");
        events.requeue(request);
        throw new InterruptedException("evaluation of " + request.experimentId() + " handed back");
    }

    public void run(EvalRequest request, String worker) throws InterruptedException {
        long start = System.nanoTime();
        long examples = 0;
        try {
            events.publish(new JobEvent(request.experimentId(), JobEvent.Type.EVALUATING, worker, null, null, null, null,
                    clock.instant()));
            Checkpoint checkpoint = CheckpointCodec.decode(store.require(request.checkpointKey()));
            Classifier model = Classifier.fromCheckpoint(checkpoint);
            // a MAXL checkpoint also reports what its label generator gives this split's images
            LabelGenerator generator = Maxl.NAME.equals(checkpoint.method()) ? LabelGenerator.fromCheckpoint(checkpoint) : null;
            GeneratedLabelStatistics generated = generator == null ? null : new GeneratedLabelStatistics(generator.psi());
            int level = request.labelLevel();
            long correct = 0;
            BatchQuery query = new BatchQuery(request.experimentId() + "-eval-" + start, request.dataset(), request.split(),
                    0, config.batchSize(), false, false);
            PullStream.Settings settings = new PullStream.Settings(config.prefetchBatches(), Duration.ofSeconds(15),
                    Duration.ofMinutes(3));
            try (BatchStream stream = new BatchStream(clients, producer, admin, query, settings, metrics::rejected)) {
                BatchStream.EpochReader reader = stream.open(0);
                for (BatchFrame batch; (batch = reader.next()) != null; ) {
                    if (level >= batch.labelLevels()) {
                        throw new IllegalArgumentException("label level " + level + " requested, but " + request.dataset()
                                + " batches carry " + batch.labelLevels() + " level(s)");
                    }
                    INDArray images = Images.toTensor(batch, model.network().dataType(), request.normalize());
                    int[] predicted = model.predict(images);
                    int[] labels = Images.labels(batch, level);
                    if (generated != null) {
                        generated.add(labels, generator.generate(images, labels));
                    }
                    for (int i = 0; i < labels.length; i++) {
                        if (predicted[i] == labels[i]) {
                            correct++;
                        }
                    }
                    examples += labels.length;
                    metrics.trials(labels.length);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            EvalResult result = new EvalResult(request.experimentId(), request.dataset(), request.split(),
                    request.checkpointKey(), examples, correct, examples == 0 ? 0 : (double) correct / examples, seconds,
                    worker, clock.instant(), null, null, generated == null ? null : generated.report());
            store.put(ObjectKeys.evaluationReport(request.experimentId()), Json.write(result), "application/json");
            events.publish(result);
            metrics.evaluationDone(System.nanoTime() - start, examples, "succeeded");
            LOG.infof("%s: accuracy %.4f on %d %s images in %.1f s", request.experimentId(), result.accuracy(), examples,
                    request.split(), seconds);
        } catch (InterruptedException | InterruptException e) {
            handBack(request, start, examples);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                handBack(request, start, examples); // the shutdown's interrupt surfaced as a failure
            }
            LOG.errorf(e, "%s: evaluation failed", request.experimentId());
            metrics.evaluationDone(System.nanoTime() - start, examples, "failed");
            events.publish(new JobEvent(request.experimentId(), JobEvent.Type.FAILED, worker, null, null, null,
                    "evaluation failed: " + e.getMessage(), clock.instant()));
        }
    }
}
