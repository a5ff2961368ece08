package io.metaloop.gateway.service;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.EvalRequest;
import io.metaloop.contracts.EvalResult;
import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.FewShotProtocol;
import io.metaloop.contracts.FewShotShard;
import io.metaloop.contracts.FieldError;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.LinearEvalJob;
import io.metaloop.contracts.spec.LinearEvalSpec;
import io.metaloop.contracts.Topics;
import io.metaloop.contracts.TrainJob;
import io.metaloop.contracts.spec.Checks;
import io.metaloop.contracts.spec.EvaluationSpec;
import io.metaloop.datasets.augment.Augmenter;
import io.metaloop.messaging.MessagePublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.Producer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The experiment life cycle: a submission becomes a stored record and a job on the queue; job
 * events and evaluation results move the record on; a trained model is sent for evaluation — the
 * whole test split, a linear evaluation of its backbone (self-supervised methods), or, for a
 * few-shot test, its trials cut into shards that any evaluator replica may take.
 */
@ApplicationScoped
public class ExperimentService {
    private static final Logger LOG = Logger.getLogger(ExperimentService.class);

    private final ExperimentStore store;
    private final DatasetCatalogClient datasets;
    private final EpisodeSamplerClient sampler;
    private final MessagePublisher publisher;
    private final int trialsPerShard;
    private final TrainingLeases leases;
    private final Clock clock = Clock.systemUTC();

    public ExperimentService(ExperimentStore store, DatasetCatalogClient datasets, EpisodeSamplerClient sampler,
                             Producer<String, byte[]> producer, TrainingLeases leases,
                             @ConfigProperty(name = "metaloop.gateway.trials-per-shard", defaultValue = "100") int trialsPerShard) {
        this.store = store;
        this.datasets = datasets;
        this.sampler = sampler;
        this.leases = leases;
        this.publisher = new MessagePublisher(producer);
        if (trialsPerShard < 1) {
            throw new IllegalArgumentException("metaloop.gateway.trials-per-shard must be >= 1, got " + trialsPerShard);
        }
        this.trialsPerShard = trialsPerShard;
    }

    /**
     * Checks the spec against its dataset (splits, image shape, episode shapes the splits can fill),
     * stores the experiment and queues its training job.
     *
     * @throws InvalidMessageException naming every field at fault
     */
    public ExperimentRecord submit(ExperimentSpec spec) {
        DatasetInfo dataset = dataset(spec.dataset());
        checkAgainstDataset(spec, dataset);
        checkLinearEvaluation(spec, dataset, this::dataset);
        String id = "exp-" + UUID.randomUUID().toString().substring(0, 12);
        ExperimentRecord record = store.save(ExperimentRecord.queued(id, spec, clock.instant()));
        try {
            send(Topics.JOBS, id, new TrainJob(id, spec, dataset, 1, clock.instant()));
        } catch (RuntimeException e) {
            store.update(id, r -> r.apply(new JobEvent(id, JobEvent.Type.FAILED, "gateway", null, null, null,
                    "could not queue the job: " + e.getMessage(), clock.instant())));
            throw e;
        }
        LOG.infof("queued %s: %s %s on %s", id, spec.method(), spec.backbone(), spec.dataset());
        return record;
    }

    private DatasetInfo dataset(String name) {
        return datasets.find(name).orElseThrow(() -> new InvalidMessageException("dataset",
                "unknown dataset '" + name + "'; known: " + datasets.names()));
    }

    /** What only the catalogue can tell: the splits exist, the shapes fit, the episodes can be drawn. */
    static void checkAgainstDataset(ExperimentSpec spec, DatasetInfo dataset) {
        Checks c = new Checks();
        checkSplit(c, "splits.train", spec.splits().train(), dataset);
        if (!spec.isSelfSupervised() && dataset.isUnlabelled(spec.splits().train())) {
            c.add("splits.train", "split '" + spec.splits().train() + "' of " + dataset.name() + " has no labels; method '"
                    + spec.method() + "' trains on labels (only self-supervised methods pre-train on unlabelled images)");
        }
        checkSplit(c, spec.evaluation() != null ? "evaluation.split" : "splits.test",
                spec.evaluation() != null ? spec.evaluation().split() : spec.splits().test(), dataset);
        if (spec.linearEvaluation() == null && spec.evaluation() == null && dataset.isUnlabelled(spec.splits().test())) {
            c.add("splits.test", "split '" + spec.splits().test() + "' of " + dataset.name()
                    + " has no labels; a test scores predictions against labels");
        }
        if (spec.splits().validation() != null) {
            checkSplit(c, "splits.validation", spec.splits().validation(), dataset);
        }
        checkLabelLevels(spec, dataset, c);
        if (spec.normalize() != null && spec.normalize().channels() != dataset.channels()) {
            c.add("normalize.mean", "has " + spec.normalize().channels() + " channels; " + spec.dataset() + " images have "
                    + dataset.channels());
        }
        if (!c.ok()) {
            throw new InvalidMessageException(c.errors());
        }
        // a crop larger than the dataset's images is caught here, not when the trainer first asks for data
        int[] trained = new Augmenter(spec.augment(), dataset.channels(), dataset.height(), dataset.width()).outputShape();
        if (trained[0] != dataset.channels() || trained[1] != dataset.height() || trained[2] != dataset.width()) {
            // evaluation reads the test split as stored, so the model must train on images of that shape
            throw new InvalidMessageException("augment", "the steps turn " + dataset.channels() + "×" + dataset.height()
                    + "×" + dataset.width() + " images into " + trained[0] + "×" + trained[1] + "×" + trained[2]
                    + "; training must keep the shape the model is evaluated on");
        }
        if (spec.isEpisodic()) {
            var e = spec.episodes();
            dataset.episodeProblem(spec.splits().train(), e.ways(), e.shots(), e.queries())
                    .ifPresent(p -> c.add("episodes", p));
            if (spec.validation() != null) {
                var v = spec.validation();
                dataset.episodeProblem(spec.splits().validation(), v.ways(), v.shots(), v.queries())
                        .ifPresent(p -> c.add("validation", p));
            }
        }
        if (spec.evaluation() != null) {
            EvaluationSpec ev = spec.evaluation();
            dataset.episodeProblem(ev.split(), ev.ways(), ev.shots(), ev.queries()).ifPresent(p -> c.add("evaluation", p));
        }
        if (!c.ok()) {
            throw new InvalidMessageException(c.errors());
        }
    }

    /**
     * The auxiliary family's label levels exist in the dataset, and {@code maxl.psi} has one entry per
     * class of the primary level (seeds.md §1.2: len(ψ) = primary classes).
     */
    static void checkLabelLevels(ExperimentSpec spec, DatasetInfo dataset, Checks c) {
        io.metaloop.contracts.spec.MaxlSpec aux = spec.auxiliary();
        if (aux == null) {
            return;
        }
        String levels = dataset.labelLevels() + " label level(s) " + dataset.levels().stream().map(DatasetInfo.Level::name).toList();
        String section = spec.method();
        if (aux.primaryLevel() >= dataset.labelLevels()) {
            c.add(section + ".primaryLevel", "dataset '" + dataset.name() + "' has " + levels + ", so levels 0.."
                    + (dataset.labelLevels() - 1) + "; got " + aux.primaryLevel() + " (import with --hierarchy to add levels)");
            return;
        }
        if (aux.auxiliaryLevel() != null && aux.auxiliaryLevel() >= dataset.labelLevels()) {
            c.add(section + ".auxiliaryLevel", "dataset '" + dataset.name() + "' has " + levels + ", so levels 0.."
                    + (dataset.labelLevels() - 1) + "; got " + aux.auxiliaryLevel());
        }
        int primaryClasses = dataset.levels().get(aux.primaryLevel()).classes().size();
        if (aux.psi() != null && aux.psi().size() != primaryClasses) {
            c.add(section + ".psi", "has " + aux.psi().size() + " entries; the primary level '"
                    + dataset.levels().get(aux.primaryLevel()).name() + "' of " + dataset.name() + " has " + primaryClasses
                    + " classes: one entry per primary class");
        }
    }

    /**
     * A linear evaluation's dataset, splits and label level exist, its splits are labelled, and its
     * images have the shape the backbone was trained on.
     *
     * @throws InvalidMessageException naming each field of {@code linearEvaluation} at fault
     */
    static void checkLinearEvaluation(ExperimentSpec spec, DatasetInfo trained,
                                      java.util.function.Function<String, DatasetInfo> catalogue) {
        LinearEvalSpec linear = spec.linearEvaluation();
        if (linear == null) {
            return;
        }
        DatasetInfo target;
        try {
            target = linear.dataset().equals(trained.name()) ? trained : catalogue.apply(linear.dataset());
        } catch (InvalidMessageException e) {
            throw new InvalidMessageException("linearEvaluation.dataset", e.getMessage());
        }
        Checks c = new Checks();
        for (String field : List.of("trainSplit", "testSplit")) {
            String split = "trainSplit".equals(field) ? linear.trainSplit() : linear.testSplit();
            checkSplit(c, "linearEvaluation." + field, split, target);
            if (target.isUnlabelled(split)) {
                c.add("linearEvaluation." + field, "split '" + split + "' of " + target.name()
                        + " has no labels; a linear evaluation trains and scores a classifier on labelled images");
            }
        }
        if (linear.level() >= target.labelLevels()) {
            c.add("linearEvaluation.level", "dataset '" + target.name() + "' has " + target.labelLevels()
                    + " label level(s), so levels 0.." + (target.labelLevels() - 1) + "; got " + linear.level());
        }
        if (target.channels() != trained.channels() || target.height() != trained.height() || target.width() != trained.width()) {
            c.add("linearEvaluation.dataset", "'" + target.name() + "' images are " + target.channels() + "×" + target.height()
                    + "×" + target.width() + ", the backbone trains on " + trained.channels() + "×" + trained.height() + "×"
                    + trained.width() + " images of '" + trained.name() + "'");
        }
        if (linear.normalize() != null && linear.normalize().channels() != target.channels()) {
            c.add("linearEvaluation.normalize.mean", "has " + linear.normalize().channels() + " channels; " + target.name()
                    + " images have " + target.channels());
        }
        if (!c.ok()) {
            throw new InvalidMessageException(c.errors());
        }
    }

    /** The job that linear-evaluates a trained backbone: the settings and the class count of their label level. */
    private LinearEvalJob linearJob(ExperimentSpec spec) {
        LinearEvalSpec linear = spec.linearEvaluation();
        DatasetInfo target = dataset(linear.dataset());
        return new LinearEvalJob(linear, target.levels().get(linear.level()).classes().size());
    }

    private static void checkSplit(Checks c, String field, String split, DatasetInfo dataset) {
        if (!dataset.splits().containsKey(split)) {
            c.add(field, "dataset '" + dataset.name() + "' has no split '" + split + "'; it has " + dataset.splits().keySet());
        }
    }

    public Optional<ExperimentRecord> get(String id) {
        return store.get(id);
    }

    public List<ExperimentRecord> list() {
        return store.list();
    }

    /**
     * Folds a trainer's or evaluator's event into its experiment; a freshly trained model goes to
     * evaluation. An event of a superseded attempt is refused, and lease events are handled by
     * {@link TrainingLeases}.
     */
    public void onJobEvent(JobEvent event) {
        Optional<ExperimentRecord> before = store.get(event.experimentId());
        if (before.isEmpty()) {
            LOG.warnf("event %s for unknown experiment %s ignored", event.type(), event.experimentId());
            return;
        }
        if (!leases.admit(event)) {
            return;
        }
        // stored first: a few-shot test of the best checkpoint must see the last validation
        Optional<ExperimentRecord> after = store.update(event.experimentId(), r -> r.apply(event));
        if (event.type() == JobEvent.Type.TRAINED && !before.get().state().isTerminal() && event.checkpointKey() != null) {
            ExperimentRecord trained = after.orElseThrow();
            try {
                ExperimentSpec spec = trained.spec();
                if (spec.linearEvaluation() != null) {
                    send(Topics.EVAL_REQUESTS, event.experimentId(), EvalRequest.linear(event.experimentId(),
                            event.checkpointKey(), clock.instant(), linearJob(spec)));
                    if (spec.evaluation() != null) {
                        startFewShot(trained, spec.evaluation(), false); // reported beside the linear evaluation
                    }
                } else if (spec.evaluation() != null) {
                    startFewShot(trained, spec.evaluation(), true);
                } else {
                    // the auxiliary family is scored on its primary label level
                    int level = spec.auxiliary() != null ? spec.auxiliary().primaryLevel() : 0;
                    send(Topics.EVAL_REQUESTS, event.experimentId(), EvalRequest.wholeSplit(event.experimentId(),
                            spec.dataset(), spec.splits().test(), event.checkpointKey(), clock.instant(), spec.normalize(),
                            level));
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s: could not start its evaluation", event.experimentId());
                store.update(event.experimentId(), r -> r.apply(new JobEvent(event.experimentId(), JobEvent.Type.FAILED,
                        "gateway", null, null, null, "could not start the evaluation: " + e.getMessage(), clock.instant())));
            }
        }
    }

    public void onEvalResult(EvalResult result) {
        if (store.update(result.experimentId(), r -> r.apply(result)).isEmpty()) {
            LOG.warnf("evaluation result for unknown experiment %s ignored", result.experimentId());
        } else if (result.fewShot() != null) {
            LOG.infof("%s: %s on %s", result.experimentId(), result.fewShot().describe(), result.fewShot().protocol().describe());
        } else {
            LOG.infof("%s: %s accuracy %.4f", result.experimentId(), result.split(), result.accuracy());
        }
    }

    /**
     * A started few-shot evaluation: its id, the frozen protocol, how many shards it was cut into and
     * which checkpoint it measures.
     */
    public record StartedEvaluation(String evaluationId, FewShotProtocol protocol, int shards, String checkpoint,
                                    String checkpointKey) {
    }

    /**
     * A few-shot test of a trained experiment's checkpoint, asked for after training (another shape,
     * more trials, the prototype head on a supervised model, ...).
     *
     * @throws InvalidMessageException  when the evaluation does not fit the experiment or its data
     * @throws java.util.NoSuchElementException when there is no such experiment
     */
    public StartedEvaluation evaluate(String experimentId, EvaluationSpec requested) {
        ExperimentRecord record = store.get(experimentId).orElseThrow(() -> new java.util.NoSuchElementException(
                "no experiment '" + experimentId + "'"));
        if (record.checkpointKey() == null || record.state() == io.metaloop.contracts.ExperimentState.QUEUED
                || record.state() == io.metaloop.contracts.ExperimentState.RUNNING) {
            throw new InvalidMessageException("$", "experiment " + experimentId + " is " + record.state()
                    + "; it can be evaluated once trained");
        }
        Checks c = new Checks();
        requested.check("", c);
        if (!c.ok()) {
            throw new InvalidMessageException(c.errors());
        }
        ExperimentSpec spec = record.spec();
        Object section = spec.section();
        Integer testSteps = section instanceof io.metaloop.contracts.spec.MamlSpec m ? m.inner().testSteps()
                : section instanceof io.metaloop.contracts.spec.ReptileSpec r ? r.testSteps() : null;
        String batchNorm = spec.isEpisodic() ? methodBatchNorm(spec) : null;
        if ("best".equals(requested.checkpoint()) && record.bestCheckpointKey() == null) {
            throw new InvalidMessageException("checkpoint", "experiment " + experimentId + " has no best checkpoint (it was "
                    + "not meta-validated); use 'last'");
        }
        EvaluationSpec evaluation = requested.withDefaults(spec.splits().test(), spec.episodes(), testSteps, batchNorm,
                record.bestCheckpointKey() != null);
        if (!spec.isEpisodic() && "method".equals(evaluation.head())) {
            throw new InvalidMessageException("head", "a batch-trained model is tested few-shot with the prototype head");
        }
        return startFewShot(record, evaluation, false);
    }

    private static String methodBatchNorm(ExperimentSpec spec) {
        Object section = spec.section();
        if (section instanceof io.metaloop.contracts.spec.MamlSpec m) {
            return m.batchNorm();
        }
        if (section instanceof io.metaloop.contracts.spec.ProtoNetSpec p) {
            return p.batchNorm();
        }
        return section instanceof io.metaloop.contracts.spec.ReptileSpec r ? r.batchNorm() : null;
    }

    /** Freezes the protocol, picks the checkpoint and queues the evaluation's shards. */
    private StartedEvaluation startFewShot(ExperimentRecord record, EvaluationSpec evaluation, boolean primary) {
        ExperimentSpec spec = record.spec();
        DatasetInfo dataset = dataset(spec.dataset());
        List<FieldError> problems = new ArrayList<>();
        if (!dataset.splits().containsKey(evaluation.split())) {
            problems.add(new FieldError("split", "dataset '" + dataset.name() + "' has no split '" + evaluation.split()
                    + "'; it has " + dataset.splits().keySet()));
        }
        dataset.episodeProblem(evaluation.split(), evaluation.ways(), evaluation.shots(), evaluation.queries())
                .ifPresent(p -> problems.add(new FieldError("ways", p)));
        if (!problems.isEmpty()) {
            throw new InvalidMessageException(problems);
        }
        FewShotProtocol protocol = sampler.protocol("ways", spec.dataset(), evaluation.split(), evaluation.ways(),
                evaluation.shots(), evaluation.queries(), evaluation.trials(), evaluation.seed());
        boolean best = "best".equals(evaluation.checkpoint()) && record.bestCheckpointKey() != null;
        String which = best ? "best" : "last";
        String checkpointKey = best ? record.bestCheckpointKey() : record.checkpointKey();
        String evaluationId = "ev-" + UUID.randomUUID().toString().substring(0, 12);
        int shards = (int) ((evaluation.trials() + (long) trialsPerShard - 1) / trialsPerShard);
        for (int s = 0; s < shards; s++) {
            long from = (long) s * trialsPerShard;
            long to = Math.min(evaluation.trials(), from + trialsPerShard);
            FewShotShard shard = new FewShotShard(evaluationId, primary, evaluation, protocol, spec, dataset, which, from, to,
                    shards);
            send(Topics.EVAL_REQUESTS, record.id(), new EvalRequest(record.id(), spec.dataset(), evaluation.split(),
                    checkpointKey, clock.instant(), shard));
        }
        LOG.infof("%s: evaluation %s of the %s checkpoint, %s, in %d shards", record.id(), evaluationId, which,
                protocol.describe(), shards);
        return new StartedEvaluation(evaluationId, protocol, shards, which, checkpointKey);
    }

    /** One result on a protocol, for the side-by-side view. */
    public record ProtocolResult(String experimentId, String method, String backbone, String evaluationId, String checkpoint,
                                 String head, Integer innerSteps, String batchNorm, double mean, double ci95T, double ci95Z,
                                 int trials, java.time.Instant at) {
    }

    /** A protocol with how many results were measured on it. */
    public record ProtocolEntry(FewShotProtocol protocol, int results) {
    }

    /** Every protocol some result was measured on, with its number of results. */
    public List<ProtocolEntry> protocols() {
        java.util.Map<String, FewShotProtocol> byId = new java.util.LinkedHashMap<>();
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (ExperimentRecord r : store.list()) {
            for (EvalResult e : r.evaluations()) {
                if (e.fewShot() == null) {
                    continue; // only few-shot results have a protocol (a stored record may hold others)
                }
                byId.putIfAbsent(e.fewShot().protocol().id(), e.fewShot().protocol());
                counts.merge(e.fewShot().protocol().id(), 1, Integer::sum);
            }
        }
        return byId.values().stream().map(p -> new ProtocolEntry(p, counts.get(p.id()))).toList();
    }

    /** All results measured on one protocol, best mean first. */
    public List<ProtocolResult> results(String protocolId) {
        List<ProtocolResult> out = new ArrayList<>();
        for (ExperimentRecord r : store.list()) {
            for (EvalResult e : r.evaluations()) {
                var f = e.fewShot();
                if (f != null && f.protocol().id().equals(protocolId)) {
                    out.add(new ProtocolResult(r.id(), r.spec().method(), r.spec().backbone(), f.evaluationId(), f.checkpoint(),
                            f.head(), f.innerSteps(), f.batchNorm(), f.mean(), f.ci95T(), f.ci95Z(), f.trials(), e.at()));
                }
            }
        }
        out.sort(java.util.Comparator.comparingDouble(ProtocolResult::mean).reversed());
        return out;
    }

    private void send(String topic, String key, Object message) {
        publisher.send(topic, key, message);
    }
}
