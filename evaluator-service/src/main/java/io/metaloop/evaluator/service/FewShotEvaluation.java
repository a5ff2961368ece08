package io.metaloop.evaluator.service;

import io.metaloop.contracts.EvalRequest;
import io.metaloop.contracts.EvalResult;
import io.metaloop.contracts.FewShotProtocol;
import io.metaloop.contracts.FewShotReport;
import io.metaloop.contracts.FewShotShard;
import io.metaloop.contracts.FewShotShardResult;
import io.metaloop.contracts.FewShotSummary;
import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.TrialResult;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.evaluator.config.EvaluatorConfig;
import io.metaloop.evaluator.messaging.JobEventPublisher;
import io.metaloop.learning.checkpoint.CheckpointCodec;
import io.metaloop.learning.eval.AccuracySummary;
import io.metaloop.learning.eval.FewShotLearners;
import io.metaloop.learning.eval.FewShotReports;
import io.metaloop.learning.eval.FewShotTrials;
import io.metaloop.learning.eval.FewShotValidation;
import io.metaloop.learning.method.fewshot.Episode;
import io.metaloop.learning.method.fewshot.FewShotLearner;
import io.metaloop.messaging.EpisodeStream;
import io.metaloop.messaging.KafkaClients;
import io.metaloop.messaging.PullStream;
import io.metaloop.storage.ObjectKeys;
import io.metaloop.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.InterruptException;
import org.jboss.logging.Logger;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * One shard of a few-shot test: loads the checkpoint, builds the learner the evaluation asks for
 * (the method's own adaptation, or prototypes of frozen features), streams the shard's trials from
 * episode-sampler, scores each, and stores the shard's per-trial results under
 * {@code reports/<experiment>/<evaluation>/}. Whichever evaluator finds every shard stored merges
 * them, in trial order, into the report and publishes the {@link EvalResult}; two evaluators merging
 * at once write the same bytes and the gateway keeps one result per evaluation. Trials are
 * deterministic, so the report does not depend on how many replicas took part or in which order.
 */
@ApplicationScoped
public class FewShotEvaluation {
    private static final Logger LOG = Logger.getLogger(FewShotEvaluation.class);

    private final KafkaClients clients;
    private final Producer<String, byte[]> producer;
    private final Admin admin;
    private final ObjectStore store;
    private final JobEventPublisher events;
    private final EvaluatorMetrics metrics;
    private final EvaluatorConfig config;
    private final Clock clock = Clock.systemUTC();

    public FewShotEvaluation(KafkaClients clients, Producer<String, byte[]> producer, Admin admin, ObjectStore store,
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
        FewShotShard shard = request.fewShot();
        long start = System.nanoTime();
        long scored = 0;
        try {
            if (shard.primary()) {
                events.publish(new JobEvent(request.experimentId(), JobEvent.Type.EVALUATING, worker, null, null, null, null,
                        clock.instant()));
            }
            FewShotLearner learner = FewShotLearners.fromCheckpoint(CheckpointCodec.decode(store.require(request.checkpointKey())),
                    shard.spec(), shard.dataset(), shard.evaluation());
            FewShotProtocol p = shard.protocol();
            FewShotTrials scorer = new FewShotTrials(learner, new Episode.Shape(p.ways(), p.shots(), p.queries()),
                    FewShotValidation.testSettings(shard.evaluation()), DataType.FLOAT);
            List<TrialResult> trials = new ArrayList<>();
            String streamId = request.experimentId() + "-" + shard.evaluationId() + "-" + shard.fromTrial() + "-" + start;
            PullStream.Settings settings = new PullStream.Settings(config.prefetchBatches(), Duration.ofSeconds(15),
                    Duration.ofMinutes(3));
            try (EpisodeStream stream = new EpisodeStream(clients, producer, admin, new EpisodeStream.Query(streamId,
                    p.dataset(), p.split(), p.seed(), p.ways(), p.shots(), p.queries()), settings, metrics::rejected)) {
                PullStream.Reader reader = stream.trials(shard.fromTrial(), shard.toTrial());
                for (BatchFrame frame; (frame = reader.next()) != null; ) {
                    FewShotTrials.Trial t = scorer.score(frame);
                    trials.add(new TrialResult(t.trial(), t.correct(), t.queries()));
                    metrics.trials(1);
                    scored++;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            store.put(ObjectKeys.fewShotShard(request.experimentId(), shard.evaluationId(), shard.fromTrial(), shard.toTrial()),
                    Json.write(new FewShotShardResult(request.experimentId(), shard.evaluationId(), shard.fromTrial(),
                            shard.toTrial(), trials, worker, seconds)), "application/json");
            metrics.evaluationDone(System.nanoTime() - start, scored, "succeeded");
            LOG.infof("%s %s: trials [%d, %d) scored in %.1f s", request.experimentId(), shard.evaluationId(),
                    shard.fromTrial(), shard.toTrial(), seconds);
            mergeIfComplete(request, worker, seconds);
        } catch (InterruptedException | InterruptException e) {
            Thread.interrupted();
            metrics.evaluationDone(System.nanoTime() - start, scored, "requeued");
            events.requeue(request);
            throw new InterruptedException("shard of " + shard.evaluationId() + " handed back");
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                Thread.interrupted();
                events.requeue(request);
                throw new InterruptedException("shard of " + shard.evaluationId() + " handed back");
            }
            LOG.errorf(e, "%s %s: few-shot evaluation failed", request.experimentId(), shard.evaluationId());
            metrics.evaluationDone(System.nanoTime() - start, scored, "failed");
            if (shard.primary()) {
                events.publish(new JobEvent(request.experimentId(), JobEvent.Type.FAILED, worker, null, null, null,
                        "few-shot evaluation " + shard.evaluationId() + " failed: " + e.getMessage(), clock.instant()));
            }
        }
    }

    /** Merges the stored shards into the report and publishes the result, once every trial is in. */
    private void mergeIfComplete(EvalRequest request, String worker, double seconds) {
        FewShotShard shard = request.fewShot();
        String prefix = ObjectKeys.fewShotEvaluation(request.experimentId(), shard.evaluationId());
        List<FewShotShardResult> stored = new ArrayList<>();
        for (String key : store.list(prefix)) {
            if (key.substring(prefix.length()).startsWith("shard-")) {
                store.get(key).ifPresent(bytes -> stored.add(Json.read(bytes, FewShotShardResult.class)));
            }
        }
        Optional<List<TrialResult>> complete = FewShotReports.complete(shard.protocol(), stored);
        if (complete.isEmpty()) {
            return;
        }
        List<TrialResult> trials = complete.get();
        AccuracySummary s = AccuracySummary.of(FewShotReports.accuracies(trials), shard.evaluation().batchMeansOf());
        String reportKey = ObjectKeys.fewShotReport(request.experimentId(), shard.evaluationId());
        FewShotSummary summary = new FewShotSummary(shard.evaluationId(), shard.primary(), shard.protocol(), shard.checkpoint(),
                shard.evaluation().head(), shard.evaluation().innerSteps(), shard.evaluation().batchNorm(), s.trials(), s.mean(),
                s.std(), s.ci95Z(), s.ci95T(), s.batchMeansOf(), s.batchMeansOf() > 0 ? s.batchMeansCi95T() : null, reportKey);
        store.put(reportKey, Json.write(new FewShotReport(request.experimentId(), shard.evaluationId(), shard.spec().method(),
                shard.spec().backbone(), request.checkpointKey(), shard.evaluation(), summary, trials)), "application/json");
        long queries = trials.stream().mapToLong(TrialResult::queries).sum();
        long correct = trials.stream().mapToLong(TrialResult::correct).sum();
        events.publish(new EvalResult(request.experimentId(), shard.protocol().dataset(), shard.protocol().split(),
                request.checkpointKey(), queries, correct, s.mean(), seconds, worker, clock.instant(), summary));
        LOG.infof("%s %s: %s on %s", request.experimentId(), shard.evaluationId(), summary.describe(),
                shard.protocol().describe());
    }
}
