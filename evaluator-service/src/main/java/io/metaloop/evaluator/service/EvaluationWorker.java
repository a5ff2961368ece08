package io.metaloop.evaluator.service;

import io.metaloop.contracts.EvalRequest;
import io.metaloop.contracts.Topics;
import io.metaloop.evaluator.config.EvaluatorConfig;
import io.metaloop.learning.NativeBackend;
import io.metaloop.messaging.JobQueue;
import io.metaloop.messaging.KafkaClients;
import io.metaloop.messaging.QueueWorker;
import io.metaloop.messaging.TopicSetup;
import io.metaloop.storage.ObjectStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;

/**
 * Starts the replica's worker: one evaluation (a whole split, one shard of a few-shot test, a linear
 * evaluation, or a user's own task) at a time, taken from the shared queue when idle.
 */
@ApplicationScoped
public class EvaluationWorker {
    private static final Logger LOG = Logger.getLogger(EvaluationWorker.class);

    private final ObjectStore store;
    private final Admin admin;
    private final QueueWorker<EvalRequest> worker;

    public EvaluationWorker(Evaluation evaluation, FewShotEvaluation fewShot, TaskEvaluation tasks, LinearEvaluationRun linear,
                            KafkaClients clients,
                            EvaluatorMetrics metrics, EvaluatorConfig config, ObjectStore store, Admin admin) {
        this.store = store;
        this.admin = admin;
        String name = "evaluator-service@" + ManagementFactory.getRuntimeMXBean().getName();
        JobQueue<EvalRequest> queue = new JobQueue<>(clients, Topics.EVAL_REQUESTS, Topics.EVALUATORS_GROUP,
                EvalRequest.class, metrics::rejected);
        this.worker = new QueueWorker<>("evaluation-worker", queue, config.queuePoll(), request -> {
            if (request.fewShot() != null) {
                LOG.infof("took trials [%d, %d) of evaluation %s of %s", request.fewShot().fromTrial(),
                        request.fewShot().toTrial(), request.fewShot().evaluationId(), request.experimentId());
                fewShot.run(request, name);
            } else if (request.linear() != null) {
                LOG.infof("took linear evaluation of %s", request.experimentId());
                linear.run(request, name);
            } else if (request.task() != null) {
                LOG.infof("took task %s of %s", request.task().taskId(), request.experimentId());
                tasks.run(request, name);
            } else {
                LOG.infof("took evaluation of %s", request.experimentId());
                evaluation.run(request, name);
            }
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
