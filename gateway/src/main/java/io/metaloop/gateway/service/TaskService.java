package io.metaloop.gateway.service;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.EvalRequest;
import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.ExperimentState;
import io.metaloop.contracts.FewShotTask;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.TaskResult;
import io.metaloop.contracts.Topics;
import io.metaloop.contracts.frame.FrameCodec;
import io.metaloop.contracts.spec.EvaluationSpec;
import io.metaloop.contracts.spec.MamlSpec;
import io.metaloop.contracts.spec.ReptileSpec;
import io.metaloop.datasets.TaskUpload;
import io.metaloop.gateway.config.TaskConfig;
import io.metaloop.messaging.MessagePublisher;
import io.metaloop.storage.ObjectKeys;
import io.metaloop.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.jboss.logging.Logger;

/**
 * Users' own few-shot tasks: an uploaded zip of support and query images is checked and converted
 * to the experiment's image shape ({@link TaskUpload}), stored as one frame
 * ({@code tasks/<id>/episode.mlbf}) with the request ({@code tasks/<id>/task.json}), and queued as an
 * {@link EvalRequest} with its {@link FewShotTask} part for any evaluator; the evaluator writes
 * {@code tasks/<id>/result.json}, which {@link #status} reads back.
 */
@ApplicationScoped
public class TaskService {
    private static final Logger LOG = Logger.getLogger(TaskService.class);
    /** Task ids: "task-" and 12 hex digits. */
    static final String TASK_ID = "task-[0-9a-f]{12}";
    static final String JSON = "application/json";

    /** The object store as this service uses it. */
    public interface Storage {
        void put(String key, byte[] content, String contentType);

        Optional<byte[]> get(String key);
    }

    /** The evaluation queue. */
    public interface Queue {
        void send(String key, EvalRequest request);
    }

    /** Too many uploads are being converted; the client should retry (503). */
    public static final class BusyException extends RuntimeException {
        BusyException(String message) {
            super(message);
        }
    }

    /**
     * A queued task.
     *
     * @param taskId        follow it at {@code GET /api/v1/tasks/<taskId>}
     * @param checkpoint    "best" or "last"
     * @param head          "method" or "prototype"
     * @param classes       the task's classes, sorted; predictions name them
     * @param supportImages support images per class, in class order
     * @param queries       query images
     * @param labelled      whether the queries' classes were given (then the result has an accuracy)
     * @param imageShape    what every image was converted to: [channels, height, width]
     */
    public record StartedTask(String taskId, String experimentId, String checkpoint, String checkpointKey, String head,
                              List<String> classes, List<Integer> supportImages, int queries, boolean labelled,
                              List<Integer> imageShape) {
    }

    private final Function<String, Optional<ExperimentRecord>> experiments;
    private final Function<String, Optional<DatasetInfo>> datasets;
    private final Storage storage;
    private final Queue queue;
    private final TaskUpload.Limits limits;
    private final Semaphore converting;
    private final Clock clock;

    @Inject
    public TaskService(ExperimentStore experiments, DatasetCatalogClient datasets, ObjectStore store,
                       Producer<String, byte[]> producer, TaskConfig config) {
        this(experiments::get, datasets::find, objectStorage(store), queue(new MessagePublisher(producer)),
                new TaskUpload.Limits(config.maxUploadBytes(), config.maxInflatedBytes(), config.maxImages(),
                        config.maxImagePixels(), config.maxTaskBytes()), config.concurrentUploads(), Clock.systemUTC());
    }

    /**
     * @param experiments       experiment id → record
     * @param datasets          dataset name → catalogue entry
     * @param concurrentUploads uploads converted at once (each holds its zip and converted images in memory)
     */
    public TaskService(Function<String, Optional<ExperimentRecord>> experiments, Function<String, Optional<DatasetInfo>> datasets,
                       Storage storage, Queue queue, TaskUpload.Limits limits, int concurrentUploads, Clock clock) {
        if (concurrentUploads < 1) {
            throw new IllegalArgumentException("metaloop.gateway.tasks.concurrent-uploads must be >= 1, got " + concurrentUploads);
        }
        this.experiments = experiments;
        this.datasets = datasets;
        this.storage = storage;
        this.queue = queue;
        this.limits = limits;
        this.converting = new Semaphore(concurrentUploads, true);
        this.clock = clock;
    }

    private static Storage objectStorage(ObjectStore store) {
        return new Storage() {
            private volatile boolean bucketChecked;

            @Override
            public void put(String key, byte[] content, String contentType) {
                if (!bucketChecked) {
                    store.ensureBucket(); // the gateway may be the first service to write
                    bucketChecked = true;
                }
                store.put(key, content, contentType);
            }

            @Override
            public Optional<byte[]> get(String key) {
                return store.get(key);
            }
        };
    }

    private static Queue queue(MessagePublisher publisher) {
        return (key, request) -> publisher.send(Topics.EVAL_REQUESTS, key, request);
    }

    /**
     * Checks, converts, stores and queues an uploaded task.
     *
     * @param zip        the uploaded archive (see {@link TaskUpload} for its layout and limits)
     * @param checkpoint "best", "last" or null (the experiment's test checkpoint: best when it
     *                   meta-validates, else last)
     * @param head       "method", "prototype" or null (the experiment's test head: the method's own for
     *                   few-shot methods, prototype for batch-trained ones)
     * @throws NoSuchElementException  when there is no such experiment
     * @throws InvalidMessageException naming the parameter, the archive entry or {@code upload} at fault,
     *                                 or {@code experiment} when it is not trained yet
     * @throws BusyException           when other uploads keep the converters busy for 30 s
     */
    public StartedTask submit(String experimentId, byte[] zip, String checkpoint, String head) {
        ExperimentRecord record = experiments.apply(experimentId)
                .orElseThrow(() -> new NoSuchElementException("no experiment '" + experimentId + "'"));
        if (checkpoint != null && !EvaluationSpec.CHECKPOINTS.contains(checkpoint)) {
            throw new InvalidMessageException("checkpoint", "must be one of " + EvaluationSpec.CHECKPOINTS + ", got '"
                    + checkpoint + "'");
        }
        if (head != null && !EvaluationSpec.HEADS.contains(head)) {
            throw new InvalidMessageException("head", "must be one of " + EvaluationSpec.HEADS + ", got '" + head + "'");
        }
        if (record.checkpointKey() == null || record.state() == ExperimentState.QUEUED
                || record.state() == ExperimentState.RUNNING) {
            throw new InvalidMessageException("experiment", "experiment " + experimentId + " is " + record.state()
                    + (record.checkpointKey() == null ? " without a checkpoint" : "") + "; it takes tasks once trained");
        }
        ExperimentSpec spec = record.spec();
        EvaluationSpec evaluation = settings(record, checkpoint, head);
        boolean best = "best".equals(evaluation.checkpoint());
        String checkpointKey = best ? record.bestCheckpointKey() : record.checkpointKey();
        DatasetInfo dataset = datasets.apply(spec.dataset()).orElseThrow(() -> new InvalidMessageException("experiment",
                "the experiment's dataset '" + spec.dataset() + "' is no longer in the catalogue, so its image shape is unknown"));
        if (dataset.channels() != 1 && dataset.channels() != 3) {
            throw new InvalidMessageException("experiment", "the model takes " + dataset.channels()
                    + "-channel images; uploaded tasks are converted to grey (1) or RGB (3) only");
        }
        TaskUpload.Task task = convert(zip, dataset);
        checkWays(spec, evaluation, task.classes().size());

        String taskId = "task-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        List<Integer> counts = Arrays.stream(task.supportCounts()).boxed().toList();
        FewShotTask part = new FewShotTask(taskId, spec, dataset, evaluation, evaluation.checkpoint(), task.classes(), counts,
                task.queryNames(), task.labelled());
        EvalRequest request = new EvalRequest(record.id(), spec.dataset(), "task", checkpointKey, clock.instant(), null, part);
        storage.put(ObjectKeys.taskEpisode(taskId), FrameCodec.encode(task.frame()), "application/octet-stream");
        storage.put(ObjectKeys.taskRequest(taskId), Json.write(request), JSON);
        try {
            queue.send(record.id(), request);
        } catch (RuntimeException e) {
            // stored but not queued: say so in its result rather than leave it pending for ever
            storage.put(ObjectKeys.taskResult(taskId), Json.write(TaskResult.failed(taskId, record.id(), evaluation.checkpoint(),
                    checkpointKey, evaluation.head(), "could not queue the task: " + e.getMessage(), "gateway", 0,
                    clock.instant())), JSON);
            throw e;
        }
        LOG.infof("%s: queued task %s (%d classes, %d support, %d %s queries) on the %s checkpoint, %s head", record.id(),
                taskId, task.classes().size(), task.support().size(), task.queries().size(),
                task.labelled() ? "labelled" : "unlabelled", evaluation.checkpoint(), evaluation.head());
        return new StartedTask(taskId, record.id(), evaluation.checkpoint(), checkpointKey, evaluation.head(), task.classes(),
                counts, task.queries().size(), task.labelled(), List.of(dataset.channels(), dataset.height(), dataset.width()));
    }

    /**
     * The experiment's own test settings (head, inner steps, batch norm) with the asked checkpoint and head.
     */
    static EvaluationSpec settings(ExperimentRecord record, String checkpoint, String head) {
        ExperimentSpec spec = record.spec();
        boolean validates = record.bestCheckpointKey() != null;
        EvaluationSpec base = spec.evaluation() != null ? spec.evaluation()
                : new EvaluationSpec(null, null, null, null, null, null, null, null, null, null, null)
                        .withDefaults(spec.splits().test(), null, null, null, false);
        if (!spec.isEpisodic() && "method".equals(head)) {
            throw new InvalidMessageException("head", "method '" + spec.method() + "' has no few-shot adaptation of its own; "
                    + "a batch-trained model classifies tasks with the prototype head");
        }
        if ("best".equals(checkpoint) && !validates) {
            throw new InvalidMessageException("checkpoint", "experiment " + record.id() + " has no best checkpoint (it was not "
                    + "meta-validated); use 'last'");
        }
        String which = checkpoint != null ? checkpoint : ("best".equals(base.checkpoint()) && validates ? "best" : "last");
        String h = head != null ? head : base.head();
        Integer innerSteps = "method".equals(h) ? base.innerSteps() : null;
        // switched from the method's head to prototypes: running statistics, as a prototype test defaults to
        String batchNorm = "prototype".equals(h) && "method".equals(base.head()) ? "inductive" : base.batchNorm();
        return new EvaluationSpec(base.split(), base.ways(), base.shots(), base.queries(), base.trials(), base.seed(),
                innerSteps, batchNorm, which, h, base.batchMeansOf());
    }

    /** A method whose head has a fixed number of outputs takes only tasks of that many classes. */
    static void checkWays(ExperimentSpec spec, EvaluationSpec evaluation, int classes) {
        if (!"method".equals(evaluation.head()) || spec.episodes() == null) {
            return;
        }
        int ways = spec.episodes().ways();
        Object section = spec.section();
        boolean fixed = section instanceof MamlSpec m ? !Boolean.TRUE.equals(m.resetClassifier()) : section instanceof ReptileSpec;
        if (fixed && classes != ways) {
            throw new InvalidMessageException("support", "the task has " + classes + " classes; experiment's " + spec.method()
                    + " head has " + ways + " outputs, so its own adaptation takes " + ways + "-way tasks only; upload "
                    + ways + " classes, or ask for head=prototype");
        }
    }

    private TaskUpload.Task convert(byte[] zip, DatasetInfo dataset) {
        boolean acquired;
        try {
            acquired = converting.tryAcquire(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusyException("interrupted while waiting to convert the upload");
        }
        if (!acquired) {
            throw new BusyException("the gateway is converting other task uploads; retry in a minute");
        }
        try {
            return TaskUpload.parse(zip, dataset.channels(), dataset.height(), dataset.width(), limits);
        } finally {
            converting.release();
        }
    }

    /**
     * A task's result: SUCCEEDED or FAILED as the evaluator stored it, PENDING while it has stored
     * none, empty for an unknown task.
     */
    public Optional<TaskResult> status(String taskId) {
        if (taskId == null || !taskId.matches(TASK_ID)) {
            return Optional.empty();
        }
        Optional<byte[]> result = storage.get(ObjectKeys.taskResult(taskId));
        if (result.isPresent()) {
            return Optional.of(Json.read(result.get(), TaskResult.class));
        }
        return storage.get(ObjectKeys.taskRequest(taskId))
                .map(bytes -> TaskResult.pending(taskId, Json.read(bytes, EvalRequest.class).experimentId()));
    }
}
