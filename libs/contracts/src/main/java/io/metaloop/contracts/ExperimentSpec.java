package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.spec.Checks;
import io.metaloop.contracts.spec.DeepClusterSpec;
import io.metaloop.contracts.spec.DeepInfoMaxSpec;
import io.metaloop.contracts.spec.LinearEvalSpec;
import io.metaloop.contracts.spec.RelationalReasoningSpec;
import io.metaloop.contracts.spec.SimClrSpec;
import io.metaloop.contracts.spec.EpisodeSpec;
import io.metaloop.contracts.spec.EvaluationSpec;
import io.metaloop.contracts.spec.MamlSpec;
import io.metaloop.contracts.spec.MaxlSpec;
import io.metaloop.contracts.spec.Normalization;
import io.metaloop.contracts.spec.OptimizerSpec;
import io.metaloop.contracts.spec.ProtoNetSpec;
import io.metaloop.contracts.spec.ReptileSpec;
import io.metaloop.contracts.spec.ScheduleSpec;
import io.metaloop.contracts.spec.Splits;
import io.metaloop.contracts.spec.ValidationSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to train and how to test it: an immutable, validated experiment definition, as JSON or
 * YAML. Common fields, then one section per method; every absent value is filled with its
 * default here, so a stored experiment shows exactly what ran. Construction checks everything
 * that does not need the dataset and throws an {@link InvalidMessageException} listing every
 * problem under its full path ({@code maml.inner.steps}); the gateway checks the rest (the
 * dataset, its splits, shapes) against the catalogue.
 *
 * <p>Batch-trained methods ({@link Catalog#BATCH_METHODS}) give {@code batchSize}; few-shot methods
 * ({@link Catalog#EPISODIC_METHODS}) are specified in episodes ({@code episodes}) instead. A method's
 * section is named after it ({@code maml}, {@code fomaml}, {@code anil}, {@code meta-sgd},
 * {@code protonet}, {@code reptile}, {@code relational-reasoning}, {@code simclr}, {@code deepcluster},
 * {@code deep-infomax}, and {@code single}, {@code human}, {@code maxl}, which share {@link MaxlSpec});
 * a section of another method is refused.
 *
 * <p>The auxiliary-learning family ({@link Catalog#AUXILIARY_METHODS}, seeds.md §1) takes the seed's
 * optimiser, SGD 0.01 without momentum halved every 50 epochs (StepLR(50, 0.5)); {@code maxl} needs
 * SGD (its virtual step is the multi-task optimiser's step) and a {@code maxl.psi}.
 *
 * <p>Self-supervised methods ({@link Catalog#SELF_SUPERVISED_METHODS}) take the seed's defaults
 * (seeds.md §2): their optimiser (Adam 1e-3; Deep InfoMax 1e-4), their augmentation and views
 * (relational reasoning: the SimCLR pipeline, K = 32 views; SimCLR: 2 views; rotation and
 * DeepCluster: crop and flip; Deep InfoMax: flip), the per-dataset normalisation of the seed's
 * datasets, and a linear evaluation of the learned backbone as their test. {@code standard}, the
 * supervised upper bound, takes SGD 0.1 with momentum 0.9 and ×0.1 at 50 % and 75 % of the epochs.
 * {@code random-weights} trains nothing: its epochs are 0.
 *
 * @param method     one of {@link Catalog#METHODS}
 * @param dataset    dataset name in dataset-service's catalogue
 * @param splits     which splits train, meta-validate and test (default train / none / test)
 * @param backbone   network, one of {@link Catalog#BACKBONES}
 * @param seed       seeds initialisation, the data order of every epoch and the training episodes (default 0)
 * @param epochs     passes over the training split, or of {@code episodes.metaBatchesPerEpoch} meta-steps
 * @param batchSize  images per training step (batch-trained methods only)
 * @param optimizer  the (outer-loop) optimiser and its schedule (default: the method's, see {@link #defaultOptimizer})
 * @param augment    training augmentations, applied by the data side (default none)
 * @param normalize  per-channel mean/std applied to [0, 1] pixels (default none)
 * @param episodes   the meta-training episodes (few-shot methods)
 * @param validation meta-validation episodes, when {@code splits.validation} is set
 * @param evaluation the few-shot test (few-shot methods; for batch-trained ones it makes the test a
 *                   few-shot one with prototypes instead of split accuracy)
 * @param linearEvaluation linear evaluation of the learned backbone (the test of self-supervised
 *                   methods, default on for them; any batch-trained method may ask for it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentSpec(
        String method,
        String dataset,
        @JacksonInject(value = Json.ABSENT + "splits", useInput = OptBoolean.TRUE) Splits splits,
        String backbone,
        @JacksonInject(value = Json.ABSENT + "seed", useInput = OptBoolean.TRUE) Long seed,
        @JacksonInject(value = Json.ABSENT + "epochs", useInput = OptBoolean.TRUE) Integer epochs,
        @JacksonInject(value = Json.ABSENT + "batchSize", useInput = OptBoolean.TRUE) Integer batchSize,
        @JacksonInject(value = Json.ABSENT + "optimizer", useInput = OptBoolean.TRUE) OptimizerSpec optimizer,
        @JacksonInject(value = Json.ABSENT + "augment", useInput = OptBoolean.TRUE) Augmentation augment,
        @JacksonInject(value = Json.ABSENT + "normalize", useInput = OptBoolean.TRUE) Normalization normalize,
        @JacksonInject(value = Json.ABSENT + "episodes", useInput = OptBoolean.TRUE) EpisodeSpec episodes,
        @JacksonInject(value = Json.ABSENT + "validation", useInput = OptBoolean.TRUE) ValidationSpec validation,
        @JacksonInject(value = Json.ABSENT + "evaluation", useInput = OptBoolean.TRUE) EvaluationSpec evaluation,
        @JacksonInject(value = Json.ABSENT + "maml", useInput = OptBoolean.TRUE) MamlSpec maml,
        @JacksonInject(value = Json.ABSENT + "fomaml", useInput = OptBoolean.TRUE) MamlSpec fomaml,
        @JacksonInject(value = Json.ABSENT + "anil", useInput = OptBoolean.TRUE) MamlSpec anil,
        @JsonProperty("meta-sgd")
        @JacksonInject(value = Json.ABSENT + "meta-sgd", useInput = OptBoolean.TRUE) MamlSpec metaSgd,
        @JacksonInject(value = Json.ABSENT + "protonet", useInput = OptBoolean.TRUE) ProtoNetSpec protonet,
        @JacksonInject(value = Json.ABSENT + "reptile", useInput = OptBoolean.TRUE) ReptileSpec reptile,
        @JsonProperty("relational-reasoning")
        @JacksonInject(value = Json.ABSENT + "relational-reasoning", useInput = OptBoolean.TRUE)
        RelationalReasoningSpec relationalReasoning,
        @JacksonInject(value = Json.ABSENT + "simclr", useInput = OptBoolean.TRUE) SimClrSpec simclr,
        @JacksonInject(value = Json.ABSENT + "deepcluster", useInput = OptBoolean.TRUE) DeepClusterSpec deepcluster,
        @JsonProperty("deep-infomax")
        @JacksonInject(value = Json.ABSENT + "deep-infomax", useInput = OptBoolean.TRUE) DeepInfoMaxSpec deepInfomax,
        @JacksonInject(value = Json.ABSENT + "linearEvaluation", useInput = OptBoolean.TRUE) LinearEvalSpec linearEvaluation,
        @JacksonInject(value = Json.ABSENT + "single", useInput = OptBoolean.TRUE) MaxlSpec single,
        @JacksonInject(value = Json.ABSENT + "human", useInput = OptBoolean.TRUE) MaxlSpec human,
        @JacksonInject(value = Json.ABSENT + "maxl", useInput = OptBoolean.TRUE) MaxlSpec maxl) {
    public static final int MAX_EPOCHS = 1000;
    public static final int MAX_BATCH_SIZE = 4096;

    public ExperimentSpec {
        Checks c = new Checks();
        boolean randomWeights = "random-weights".equals(method);
        if (randomWeights) {
            epochs = epochs == null ? 0 : epochs;
            if (epochs != 0) {
                c.add("epochs", "random weights are not trained: epochs must be 0 (or absent), got " + epochs);
            }
        }
        checkCommon(method, dataset, backbone, epochs, !randomWeights, c);
        boolean episodic = method != null && Catalog.isEpisodic(method);
        boolean selfSupervised = method != null && Catalog.isSelfSupervised(method);
        Map<String, Object> sections = sections(maml, fomaml, anil, metaSgd, protonet, reptile, relationalReasoning, simclr,
                deepcluster, deepInfomax);
        sections.put("single", single);
        sections.put("human", human);
        sections.put("maxl", maxl);
        boolean auxiliary = method != null && Catalog.isAuxiliary(method);
        sections.forEach((name, section) -> {
            if (section != null && !name.equals(method)) {
                c.add(name, "is the section of the method '" + name + "'; this experiment's method is '" + method + "'");
            }
        });
        if (splits != null) {
            splits.check("splits", c);
        }
        if (optimizer != null) {
            optimizer.check("optimizer", c);
        }
        if (normalize != null) {
            normalize.check("normalize", c);
        }
        if (evaluation != null) {
            evaluation.check("evaluation", c);
        }
        if (linearEvaluation != null) {
            linearEvaluation.check("linearEvaluation", c);
            if (episodic) {
                c.add("linearEvaluation", "few-shot methods are tested on episodes (evaluation), not by linear evaluation");
            }
        }
        if (relationalReasoning != null) {
            relationalReasoning.check("relational-reasoning", c);
        }
        if (simclr != null) {
            simclr.check("simclr", c);
        }
        if (deepcluster != null) {
            deepcluster.check("deepcluster", c);
        }
        if (deepInfomax != null) {
            deepInfomax.check("deep-infomax", c);
        }
        if (auxiliary) {
            MaxlSpec own = (MaxlSpec) sections.get(method);
            (own != null ? own : MaxlSpec.EMPTY).check(method, method, c);
            if ("maxl".equals(method) && optimizer != null && optimizer.name() != null && !"sgd".equals(optimizer.name())) {
                c.add("optimizer.name", "maxl's virtual step is the multi-task optimiser's SGD step (momentum and weight decay "
                        + "included); got '" + optimizer.name() + "'");
            }
        }
        if (method != null && Catalog.METHODS.contains(method) && !episodic) {
            c.required("batchSize", batchSize);
            c.range("batchSize", batchSize, 1, MAX_BATCH_SIZE);
            if (episodes != null) {
                c.add("episodes", "method '" + method + "' trains on batches (batchSize), not episodes");
            }
            if (validation != null) {
                c.add("validation", "meta-validation is for few-shot methods");
            }
        } else if (episodic) {
            if (batchSize != null) {
                c.add("batchSize", "few-shot methods are specified in episodes, not images per batch: give episodes.ways, "
                        + "shots, queries, metaBatch and metaBatchesPerEpoch");
            }
            if (episodes != null) {
                episodes.check("episodes", c);
            }
            if (validation != null) {
                validation.check("validation", c);
                if (splits == null || splits.validation() == null) {
                    c.add("validation", "needs a validation split: set splits.validation (e.g. 'val')");
                }
            }
            Object own = sections.get(method);
            if (own instanceof MamlSpec m) {
                m.check(method, method, c);
            } else if (own instanceof ProtoNetSpec p) {
                p.check(method, c);
            } else if (own instanceof ReptileSpec r) {
                r.check(method, c);
            }
        }
        if (c.ok()) {
            // absent values take their defaults, so the stored spec shows what ran
            splits = (splits != null ? splits : Splits.DEFAULT).withDefaults();
            seed = seed == null ? 0L : seed;
            augment = augment == null ? defaultAugmentation(method) : augment;
            optimizer = (optimizer != null ? optimizer : new OptimizerSpec(null, null, null, null, null, null))
                    .withDefaults(defaultOptimizer(method, epochs));
            if (normalize == null && (selfSupervised || "standard".equals(method))) {
                normalize = SeedNormalizations.of(dataset);
            }
            relationalReasoning = "relational-reasoning".equals(method)
                    ? (relationalReasoning != null ? relationalReasoning : new RelationalReasoningSpec(null, null, null, null,
                    null)).withDefaults() : null;
            simclr = "simclr".equals(method) ? (simclr != null ? simclr : new SimClrSpec(null, null, null, null)).withDefaults()
                    : null;
            deepcluster = "deepcluster".equals(method)
                    ? (deepcluster != null ? deepcluster : new DeepClusterSpec(null, null, null, null, null)).withDefaults() : null;
            deepInfomax = "deep-infomax".equals(method)
                    ? (deepInfomax != null ? deepInfomax : new DeepInfoMaxSpec(null, null)).withDefaults() : null;
            single = "single".equals(method) ? (single != null ? single : MaxlSpec.EMPTY).withDefaults(method, optimizer) : null;
            human = "human".equals(method) ? (human != null ? human : MaxlSpec.EMPTY).withDefaults(method, optimizer) : null;
            maxl = "maxl".equals(method) ? (maxl != null ? maxl : MaxlSpec.EMPTY).withDefaults(method, optimizer) : null;
            if (linearEvaluation != null || selfSupervised) {
                linearEvaluation = (linearEvaluation != null ? linearEvaluation : LinearEvalSpec.EMPTY)
                        .withDefaults(dataset, splits.test(), seed, normalize);
            }
            checkViews(method, augment, c);
            if (List.of("relational-reasoning", "simclr", "deep-infomax").contains(method) && batchSize != null
                    && batchSize < 2) {
                c.add("batchSize", "method '" + method + "' contrasts each image with the others of its batch: at least 2 "
                        + "images, got " + batchSize);
            }
            if (episodic) {
                episodes = (episodes != null ? episodes : new EpisodeSpec(null, null, null, null, null)).withDefaults();
                maml = "maml".equals(method) ? orEmpty(maml).withDefaults(method) : null;
                fomaml = "fomaml".equals(method) ? orEmpty(fomaml).withDefaults(method) : null;
                anil = "anil".equals(method) ? orEmpty(anil).withDefaults(method) : null;
                metaSgd = "meta-sgd".equals(method) ? orEmpty(metaSgd).withDefaults(method) : null;
                protonet = "protonet".equals(method) ? (protonet != null ? protonet : new ProtoNetSpec(null)).withDefaults() : null;
                reptile = "reptile".equals(method)
                        ? (reptile != null ? reptile : new ReptileSpec(null, null, null, null, null)).withDefaults() : null;
            }
            if (episodic || evaluation != null) {
                boolean validates = splits.validation() != null;
                evaluation = (evaluation != null ? evaluation
                        : new EvaluationSpec(null, null, null, null, null, null, null, null, null, null, null))
                        .withDefaults(splits.test(), episodic ? episodes : null, testSteps(method, maml, fomaml, anil, metaSgd,
                                reptile), methodBatchNorm(method, maml, fomaml, anil, metaSgd, protonet, reptile), validates);
                if (!episodic && !"prototype".equals(evaluation.head())) {
                    c.add("evaluation.head", "a batch-trained model is tested few-shot with the prototype head, got '"
                            + evaluation.head() + "'");
                }
                if ("best".equals(evaluation.checkpoint()) && !validates) {
                    c.add("evaluation.checkpoint", "'best' needs meta-validation (splits.validation); use 'last'");
                }
                if (validates && episodic) {
                    validation = (validation != null ? validation : new ValidationSpec(null, null, null, null, null))
                            .withDefaults(evaluation);
                }
            }
            if (episodic && augment.views() > 1) {
                c.add("augment.views", "few-shot methods take one view of each image, got " + augment.views());
            }
            if ((long) batchSizeOrZero(batchSize) * augment.views() > MAX_BATCH_SIZE) {
                c.add("augment.views", "batchSize × views = " + (long) batchSize * augment.views()
                        + " images per step; at most " + MAX_BATCH_SIZE);
            }
        }
        if (!c.ok()) {
            throw new InvalidMessageException(c.errors());
        }
    }

    /** A batch-trained experiment with Adam at the given rate and nothing else set (the demo's shape). */
    public static ExperimentSpec supervised(String dataset, String backbone, int epochs, int batchSize, double learningRate,
                                            long seed, Augmentation augment) {
        return new ExperimentSpec("supervised", dataset, null, backbone, seed, epochs, batchSize,
                new OptimizerSpec("adam", learningRate, null, null, null, null), augment, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * The optimiser a method uses when the spec gives none: Adam 1e-3 (PyTorch's default; MAML's
     * reproduce setting, Snell's ProtoNets), and for Reptile plain SGD with ε = 1 (Nichol's meta
     * step size) — the meta-step θ ← θ + ε(θ′ − θ) is SGD on θ − θ′.
     */
    public static OptimizerSpec defaultOptimizer(String method) {
        return defaultOptimizer(method, null);
    }

    /**
     * The default optimiser of a method for a run of {@code epochs}: as {@link #defaultOptimizer(String)},
     * and for the self-supervised family the seed's (seeds.md §2.6, §2.9): Adam 1e-3, Deep InfoMax
     * Adam 1e-4, {@code standard} SGD 0.1 with momentum 0.9 and ×0.1 at 50 % and 75 % of the epochs.
     */
    public static OptimizerSpec defaultOptimizer(String method, Integer epochs) {
        if ("reptile".equals(method)) {
            return new OptimizerSpec("sgd", 1.0, 0.0, false, 0.0, ScheduleSpec.CONSTANT);
        }
        if ("deep-infomax".equals(method)) {
            return new OptimizerSpec("adam", 1e-4, 0.0, false, 0.0, ScheduleSpec.CONSTANT);
        }
        if (Catalog.isAuxiliary(method)) {
            // MAXL's three scripts: SGD 0.01, no momentum, no weight decay, StepLR(50, 0.5) (seeds.md §1.5)
            return new OptimizerSpec("sgd", 0.01, 0.0, false, 0.0, new ScheduleSpec("step", 50, null, 0.5, null));
        }
        if ("standard".equals(method)) {
            int total = epochs == null ? 1 : epochs;
            int half = Math.max(1, total / 2);
            int threeQuarters = Math.max(half + 1, (total * 3) / 4);
            return new OptimizerSpec("sgd", 0.1, 0.9, false, 0.0,
                    new ScheduleSpec("multistep", null, List.of(half, threeQuarters), 0.1, null));
        }
        return new OptimizerSpec("adam", 0.001, 0.0, false, 0.0, ScheduleSpec.CONSTANT);
    }

    /**
     * The seed's training augmentation of a method (seeds.md §2.3): relational reasoning the SimCLR
     * pipeline with K = 32 views (the paper's), SimCLR the same with 2, rotation, DeepCluster and
     * standard random crop and flip, Deep InfoMax flip; none for the rest.
     */
    public static Augmentation defaultAugmentation(String method) {
        if (method == null) {
            return Augmentation.NONE;
        }
        return switch (method) {
            case "relational-reasoning" -> Augmentation.preset("simclr", 32);
            case "simclr" -> Augmentation.preset("simclr", 2);
            case "rotation", "deepcluster", "standard" -> Augmentation.preset("crop-flip", 1);
            case "deep-infomax" -> Augmentation.preset("flip", 1);
            default -> Augmentation.NONE;
        };
    }

    /** The views a self-supervised method works on: K ≥ 2 for relational reasoning, exactly 2 for SimCLR, else 1. */
    private static void checkViews(String method, Augmentation augment, Checks c) {
        if ("relational-reasoning".equals(method) && augment.views() < 2) {
            c.add("augment.views", "relational reasoning relates K >= 2 views of each image, got " + augment.views());
        } else if ("simclr".equals(method) && augment.views() != 2) {
            c.add("augment.views", "SimCLR contrasts exactly 2 views of each image, got " + augment.views());
        } else if (method != null && Catalog.isSelfSupervised(method) && !"relational-reasoning".equals(method)
                && !"simclr".equals(method) && augment.views() != 1) {
            c.add("augment.views", "method '" + method + "' takes one view of each image, got " + augment.views());
        }
    }

    /** The method's own section (a {@link MamlSpec}, {@link ProtoNetSpec} or {@link ReptileSpec}), or null. */
    @JsonIgnore
    public Object section() {
        Map<String, Object> all = sections(maml, fomaml, anil, metaSgd, protonet, reptile, relationalReasoning, simclr,
                deepcluster, deepInfomax);
        all.put("single", single);
        all.put("human", human);
        all.put("maxl", maxl);
        return all.get(method);
    }

    /** The section of the auxiliary-learning family (whichever of single, human, maxl this experiment uses), or null. */
    @JsonIgnore
    public MaxlSpec auxiliary() {
        return section() instanceof MaxlSpec m ? m : null;
    }

    @JsonIgnore
    public boolean isSelfSupervised() {
        return Catalog.isSelfSupervised(method);
    }

    /** The section of MAML and its variants (whichever of maml, fomaml, anil, meta-sgd this experiment uses), or null. */
    @JsonIgnore
    public MamlSpec gradientMeta() {
        return section() instanceof MamlSpec m ? m : null;
    }

    @JsonIgnore
    public boolean isEpisodic() {
        return Catalog.isEpisodic(method);
    }

    /** Training steps per epoch when it does not depend on the data (meta-batches of episodic methods), else -1. */
    @JsonIgnore
    public long stepsPerEpochIfKnown() {
        return isEpisodic() ? episodes.metaBatchesPerEpoch() : -1;
    }

    private static int batchSizeOrZero(Integer batchSize) {
        return batchSize == null ? 0 : batchSize;
    }

    private static MamlSpec orEmpty(MamlSpec spec) {
        return spec != null ? spec : new MamlSpec(null, null, null, null, null, null);
    }

    private static Map<String, Object> sections(MamlSpec maml, MamlSpec fomaml, MamlSpec anil, MamlSpec metaSgd,
                                                ProtoNetSpec protonet, ReptileSpec reptile) {
        return sections(maml, fomaml, anil, metaSgd, protonet, reptile, null, null, null, null);
    }

    private static Map<String, Object> sections(MamlSpec maml, MamlSpec fomaml, MamlSpec anil, MamlSpec metaSgd,
                                                ProtoNetSpec protonet, ReptileSpec reptile,
                                                RelationalReasoningSpec relationalReasoning, SimClrSpec simclr,
                                                DeepClusterSpec deepcluster, DeepInfoMaxSpec deepInfomax) {
        Map<String, Object> sections = new LinkedHashMap<>();
        sections.put("relational-reasoning", relationalReasoning);
        sections.put("simclr", simclr);
        sections.put("deepcluster", deepcluster);
        sections.put("deep-infomax", deepInfomax);
        sections.put("maml", maml);
        sections.put("fomaml", fomaml);
        sections.put("anil", anil);
        sections.put("meta-sgd", metaSgd);
        sections.put("protonet", protonet);
        sections.put("reptile", reptile);
        return sections;
    }

    private static Integer testSteps(String method, MamlSpec maml, MamlSpec fomaml, MamlSpec anil, MamlSpec metaSgd,
                                     ReptileSpec reptile) {
        Object section = sections(maml, fomaml, anil, metaSgd, null, reptile).get(method);
        if (section instanceof MamlSpec m) {
            return m.inner().testSteps();
        }
        if (section instanceof ReptileSpec r) {
            return r.testSteps();
        }
        return null;
    }

    private static String methodBatchNorm(String method, MamlSpec maml, MamlSpec fomaml, MamlSpec anil, MamlSpec metaSgd,
                                          ProtoNetSpec protonet, ReptileSpec reptile) {
        Object section = sections(maml, fomaml, anil, metaSgd, protonet, reptile).get(method);
        if (section instanceof MamlSpec m) {
            return m.batchNorm();
        }
        if (section instanceof ProtoNetSpec p) {
            return p.batchNorm();
        }
        if (section instanceof ReptileSpec r) {
            return r.batchNorm();
        }
        return null;
    }

    private static void checkCommon(String method, String dataset, String backbone, Integer epochs, boolean trained, Checks c) {
        if (method == null) {
            c.add("method", "is required; one of " + Catalog.METHODS);
        } else if (!Catalog.METHODS.contains(method)) {
            c.add("method", "unknown method '" + method + "'; known: " + Catalog.METHODS);
        }
        if (dataset == null || dataset.isBlank()) {
            c.add("dataset", "is required");
        } else if (!dataset.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            c.add("dataset", "must be lower-case letters, digits and '-', at most 64 characters");
        }
        if (backbone == null) {
            c.add("backbone", "is required; one of " + Catalog.BACKBONES);
        } else if (!Catalog.BACKBONES.contains(backbone)) {
            c.add("backbone", "unknown backbone '" + backbone + "'; known: " + Catalog.BACKBONES);
        }
        if (trained) {
            c.required("epochs", epochs);
            c.range("epochs", epochs, 1, MAX_EPOCHS);
        }
    }
}
