package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Json;

/**
 * Offline linear evaluation of a learned backbone (seeds.md §2.7): the backbone frozen in
 * evaluation mode (running statistics, never updated), its features of {@code trainSplit}
 * computed once without augmentation, a fresh Linear(F, classes) (PyTorch's default init)
 * trained on them with Adam, then top-1 accuracy on the features of {@code testSplit}.
 * With another {@code dataset} than the experiment's it is the cross-domain test (pre-train on
 * one dataset, evaluate on another); with a {@code level} above 0, the head learns that label
 * level (CIFAR-100's 20 superclasses: the seed's coarse-grain test).
 *
 * @param dataset      the dataset to evaluate on (default: the experiment's)
 * @param trainSplit   the head's training images (default {@code train}); must be labelled
 * @param testSplit    the images scored (default: the experiment's test split); must be labelled
 * @param level        label level the head predicts (default 0, the primary labels)
 * @param epochs       passes of the head over the training features (seed: 100)
 * @param batchSize    features per Adam step (seed: 128)
 * @param learningRate Adam's rate for the head (seed: 1e-3; 1e-4 when fine-tuning)
 * @param seed         seeds the head's initialisation and the order of its batches (default: the experiment's)
 * @param normalize    per-channel normalisation of the evaluation images (default: the experiment's)
 * @param finetune     fine-tune the backbone with the head (absent: the backbone stays frozen)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinearEvalSpec(
        @JacksonInject(value = Json.ABSENT + "dataset", useInput = OptBoolean.TRUE) String dataset,
        @JacksonInject(value = Json.ABSENT + "trainSplit", useInput = OptBoolean.TRUE) String trainSplit,
        @JacksonInject(value = Json.ABSENT + "testSplit", useInput = OptBoolean.TRUE) String testSplit,
        @JacksonInject(value = Json.ABSENT + "level", useInput = OptBoolean.TRUE) Integer level,
        @JacksonInject(value = Json.ABSENT + "epochs", useInput = OptBoolean.TRUE) Integer epochs,
        @JacksonInject(value = Json.ABSENT + "batchSize", useInput = OptBoolean.TRUE) Integer batchSize,
        @JacksonInject(value = Json.ABSENT + "learningRate", useInput = OptBoolean.TRUE) Double learningRate,
        @JacksonInject(value = Json.ABSENT + "seed", useInput = OptBoolean.TRUE) Long seed,
        @JacksonInject(value = Json.ABSENT + "normalize", useInput = OptBoolean.TRUE) Normalization normalize,
        @JacksonInject(value = Json.ABSENT + "finetune", useInput = OptBoolean.TRUE) FineTuneSpec finetune) {
    public static final LinearEvalSpec EMPTY = new LinearEvalSpec(null, null, null, null, null, null, null, null, null, null);

    /** Absent values filled from the experiment (its dataset, test split, seed and normalisation) and the seed's settings. */
    public LinearEvalSpec withDefaults(String experimentDataset, String experimentTestSplit, long experimentSeed,
                                       Normalization experimentNormalize) {
        return new LinearEvalSpec(dataset == null ? experimentDataset : dataset, trainSplit == null ? "train" : trainSplit,
                testSplit == null ? experimentTestSplit : testSplit, level == null ? 0 : level, epochs == null ? 100 : epochs,
                batchSize == null ? 128 : batchSize, learningRate == null ? (finetune != null ? 1e-4 : 1e-3) : learningRate,
                seed == null ? experimentSeed : seed, normalize == null ? experimentNormalize : normalize,
                finetune == null ? null : finetune.withDefaults());
    }

    public void check(String path, Checks c) {
        if (dataset != null && !dataset.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            c.add(Checks.path(path, "dataset"), "must be lower-case letters, digits and '-', at most 64 characters");
        }
        c.range(Checks.path(path, "level"), level, 0, 16);
        c.range(Checks.path(path, "epochs"), epochs, 1, 10_000);
        c.range(Checks.path(path, "batchSize"), batchSize, 1, 65_536);
        c.range(Checks.path(path, "learningRate"), learningRate, 0, true, 10);
        if (normalize != null) {
            normalize.check(Checks.path(path, "normalize"), c);
        }
        if (finetune != null) {
            finetune.check(Checks.path(path, "finetune"), c);
        }
    }
}
