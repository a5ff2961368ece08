package io.metaloop.evaluator.service;

import io.metaloop.contracts.EvalRequest;
import io.metaloop.contracts.FewShotTask;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.TaskResult;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.frame.FrameCodec;
import io.metaloop.evaluator.messaging.JobEventPublisher;
import io.metaloop.learning.checkpoint.CheckpointCodec;
import io.metaloop.learning.eval.FewShotLearners;
import io.metaloop.learning.eval.FewShotValidation;
import io.metaloop.learning.method.fewshot.FewShotLearner;
import io.metaloop.storage.ObjectKeys;
import io.metaloop.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.common.errors.InterruptException;
import org.jboss.logging.Logger;

/**
 * A user's own task ({@link FewShotTask}): loads the checkpoint, builds the learner the task asks
 * for (the method's own adaptation, or prototypes of frozen features), reads the task's frame from
 * {@code tasks/<taskId>/episode.mlbf} (images the gateway already converted to the model's shape;
 * Kafka messages are too small for image payloads, and this is a user's upload, not a dataset),
 * predicts every query and writes {@code tasks/<taskId>/result.json}. Any failure writes a result
 * with state FAILED and the reason, so the gateway never waits on a task that cannot finish. A
 * redelivered request whose result exists already is skipped. The experiment's record is not touched.
 */
@ApplicationScoped
public class TaskEvaluation {
    private static final Logger LOG = Logger.getLogger(TaskEvaluation.class);

    private final ObjectStore store;
    private final JobEventPublisher events;
    private final EvaluatorMetrics metrics;
    private final Clock clock = Clock.systemUTC();

    public TaskEvaluation(ObjectStore store, JobEventPublisher events, EvaluatorMetrics metrics) {
        this.store = store;
        this.events = events;
        this.metrics = metrics;
    }

    /**
     * @throws InterruptedException when the replica shuts down mid-task; the request is handed back to the queue
     */
    public void run(EvalRequest request, String worker) throws InterruptedException {
        FewShotTask task = request.task();
        String resultKey = ObjectKeys.taskResult(task.taskId());
        long start = System.nanoTime();
        try {
            if (store.exists(resultKey)) {
                LOG.infof("task %s of %s has a result already; skipped", task.taskId(), request.experimentId());
                return;
            }
            FewShotLearner learner = FewShotLearners.fromCheckpoint(CheckpointCodec.decode(store.require(request.checkpointKey())),
                    task.spec(), task.dataset(), task.evaluation());
            BatchFrame frame = FrameCodec.decodeBatch(store.require(ObjectKeys.taskEpisode(task.taskId())));
            List<TaskResult.Prediction> predictions = TaskPredictor.predict(learner,
                    FewShotValidation.testSettings(task.evaluation()), frame, task, TaskPredictor.DEFAULT_QUERY_CHUNK);
            double seconds = (System.nanoTime() - start) / 1e9;
            TaskResult result = TaskResult.succeeded(task.taskId(), request.experimentId(), task.checkpoint(),
                    request.checkpointKey(), task.evaluation().head(), task.classes(), predictions, worker, seconds,
                    clock.instant());
            store.put(resultKey, Json.write(result), "application/json");
            metrics.trials(1);
            metrics.evaluationDone(System.nanoTime() - start, 1, "succeeded");
            LOG.infof("task %s of %s: %d queries classified in %.1f s%s", task.taskId(), request.experimentId(),
                    predictions.size(), seconds, result.accuracy() == null ? ""
                            : String.format(", accuracy %.4f (%d of %d)", result.accuracy(), result.correct(), result.labelled()));
        } catch (InterruptException e) {
            Thread.interrupted();
            handBack(request, start);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                Thread.interrupted();
                handBack(request, start);
            }
            LOG.errorf(e, "task %s of %s failed", task.taskId(), request.experimentId());
            metrics.evaluationDone(System.nanoTime() - start, 0, "failed");
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            try {
                store.put(resultKey, Json.write(TaskResult.failed(task.taskId(), request.experimentId(), task.checkpoint(),
                        request.checkpointKey(), task.evaluation().head(), reason, worker,
                        (System.nanoTime() - start) / 1e9, clock.instant())), "application/json");
            } catch (RuntimeException storeFailed) {
                LOG.errorf(storeFailed, "task %s: could not store its failure either", task.taskId());
            }
        }
    }

    private void handBack(EvalRequest request, long start) throws InterruptedException {
        metrics.evaluationDone(System.nanoTime() - start, 0, "requeued");
        events.requeue(request);
        throw new InterruptedException("task " + request.task().taskId() + " handed back");
    }
}
