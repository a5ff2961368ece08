package io.metaloop.contracts;

import java.util.List;

/**
 * Names an experiment may use for methods and backbones. The gateway validates against these
 * lists; libs/learning has a test that every name here has an implementation.
 */
public final class Catalog {
    /** Methods trained on batches of images. */
    public static final List<String> BATCH_METHODS = List.of("supervised", "standard", "relational-reasoning", "simclr",
            "rotation", "deepcluster", "deep-infomax", "random-weights", "single", "human", "maxl");
    /**
     * The auxiliary-learning family (seeds.md §1): the primary task alone ({@code single}), with a
     * human label level as auxiliary task ({@code human}), or with generated auxiliary labels
     * ({@code maxl}); all trained on batches with label levels.
     */
    public static final List<String> AUXILIARY_METHODS = List.of("single", "human", "maxl");
    /**
     * Self-supervised methods (seeds.md §2): they pre-train a backbone without labels (an unlabeled
     * split may train them) and are judged by linear evaluation of the learned backbone.
     */
    public static final List<String> SELF_SUPERVISED_METHODS = List.of("relational-reasoning", "simclr", "rotation",
            "deepcluster", "deep-infomax", "random-weights");
    /** Few-shot methods, meta-trained on meta-batches of N-way K-shot episodes. */
    public static final List<String> EPISODIC_METHODS = List.of("maml", "fomaml", "anil", "meta-sgd", "protonet", "reptile");
    /** MAML and its variants: the gradient-based meta-learners that share the {@code maml}-style section. */
    public static final List<String> GRADIENT_META_METHODS = List.of("maml", "fomaml", "anil", "meta-sgd");
    public static final List<String> METHODS = List.of("supervised", "standard", "relational-reasoning", "simclr", "rotation",
            "deepcluster", "deep-infomax", "random-weights", "single", "human", "maxl", "maml", "fomaml", "anil", "meta-sgd", "protonet", "reptile");
    public static final List<String> BACKBONES = List.of("conv4", "convnet4", "wide-convnet4", "resnet12", "wide-resnet12", "resnet8",
            "resnet32", "resnet56", "vgg16", "resnet18", "resnet34");
    /**
     * Batch-norm settings of few-shot methods (seeds.md §3.7): batch statistics always
     * ({@code transductive}); global running statistics ({@code inductive}); per-episode statistics
     * reset at every episode and updated by the support forwards ({@code inductive-episodic}).
     */
    public static final List<String> BATCH_NORM_SETTINGS = List.of("transductive", "inductive", "inductive-episodic");

    private Catalog() {
    }

    public static boolean isSelfSupervised(String method) {
        return SELF_SUPERVISED_METHODS.contains(method);
    }

    public static boolean isAuxiliary(String method) {
        return AUXILIARY_METHODS.contains(method);
    }

    public static boolean isEpisodic(String method) {
        return EPISODIC_METHODS.contains(method);
    }
}
