package io.metaloop.gateway.service;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.datasets.augment.Augmenter;
import io.metaloop.contracts.EvalRequest;
import io.metaloop.contracts.EvalResult;
import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.FieldError;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Topics;
import io.metaloop.contracts.TrainJob;
import io.metaloop.messaging.MessagePublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.Producer;
import org.jboss.logging.Logger;

/**
 * The experiment life cycle: a submission becomes a stored record and a job on the queue; job
 * events and evaluation results move the record on; a trained model is sent for evaluation.
 */
@ApplicationScoped
public class ExperimentService {
    private static final Logger LOG = Logger.getLogger(ExperimentService.class);
    static final String EVALUATION_SPLIT = "test";

    private final ExperimentStore store;
    private final DatasetCatalogClient datasets;
    private final MessagePublisher publisher;
    private final Clock clock = Clock.systemUTC();

    public ExperimentService(ExperimentStore store, DatasetCatalogClient datasets, Producer<String, byte[]> producer) {
        this.store = store;
        this.datasets = datasets;
        this.publisher = new MessagePublisher(producer);
    }

    public ExperimentRecord submit(ExperimentSpec spec) {
        DatasetInfo dataset = datasets.find(spec.dataset()).orElseThrow(() -> new InvalidMessageException("dataset",
                "unknown dataset '" + spec.dataset() + "'; known: " + datasets.names()));
        for (String split : List.of("train", EVALUATION_SPLIT)) {
            if (!dataset.splits().containsKey(split)) {
                throw new InvalidMessageException(List.of(new FieldError("dataset", "dataset '" + spec.dataset()
                        + "' has no '" + split + "' split; it has " + dataset.splits().keySet())));
            }
        }
        // a crop larger than the dataset's images is caught here, not when the trainer first asks for data
        int[] trained = new Augmenter(spec.augment(), dataset.channels(), dataset.height(), dataset.width()).outputShape();
        if (trained[0] != dataset.channels() || trained[1] != dataset.height() || trained[2] != dataset.width()) {
            // evaluation reads the test split as stored, so the model must train on images of that shape
            throw new InvalidMessageException("augment", "the steps turn " + dataset.channels() + "×" + dataset.height()
                    + "×" + dataset.width() + " images into " + trained[0] + "×" + trained[1] + "×" + trained[2]
                    + "; training must keep the shape the model is evaluated on");
        }
        String id = "exp-" + UUID.randomUUID().toString().substring(0, 12);
        ExperimentRecord record = store.save(ExperimentRecord.queued(id, spec, clock.instant()));
        try {
            send(Topics.JOBS, id, new TrainJob(id, spec, dataset, 1, clock.instant()));
        } catch (RuntimeException e) {
            store.update(id, r -> r.apply(new JobEvent(id, JobEvent.Type.FAILED, "gateway", null, null, null,
                    "could not queue the job: " + e.getMessage(), clock.instant())));
            throw e;
        }
        LOG.infof("queued %s: %s", id, spec);
        return record;
    }

    public Optional<ExperimentRecord> get(String id) {
        return store.get(id);
    }

    public List<ExperimentRecord> list() {
        return store.list();
    }

    /** Folds a trainer's or evaluator's event into its experiment; a freshly trained model goes to evaluation. */
    public void onJobEvent(JobEvent event) {
        Optional<ExperimentRecord> before = store.get(event.experimentId());
        if (before.isEmpty()) {
            LOG.warnf("event %s for unknown experiment %s ignored", event.type(), event.experimentId());
            return;
        }
        if (event.type() == JobEvent.Type.TRAINED && !before.get().state().isTerminal() && event.checkpointKey() != null) {
            // the request goes out before the state change is stored: a crash in between re-sends it, never loses it
            send(Topics.EVAL_REQUESTS, event.experimentId(), new EvalRequest(event.experimentId(),
                    before.get().spec().dataset(), EVALUATION_SPLIT, event.checkpointKey(), clock.instant()));
        }
        store.update(event.experimentId(), r -> r.apply(event));
    }

    public void onEvalResult(EvalResult result) {
        if (store.update(result.experimentId(), r -> r.apply(result)).isEmpty()) {
            LOG.warnf("evaluation result for unknown experiment %s ignored", result.experimentId());
        } else {
            LOG.infof("%s: %s accuracy %.4f", result.experimentId(), result.split(), result.accuracy());
        }
    }

    private void send(String topic, String key, Object message) {
        publisher.send(topic, key, message);
    }
}
