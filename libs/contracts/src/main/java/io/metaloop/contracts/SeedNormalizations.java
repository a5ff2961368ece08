package io.metaloop.contracts;

import io.metaloop.contracts.spec.Normalization;
import java.util.List;
import java.util.Map;

/**
 * The per-dataset normalisation of the relational-reasoning seed (seeds.md §2.2), by the names
 * of MetaLoop's catalogue; self-supervised and {@code standard} experiments take it when they
 * give no {@code normalize} of their own.
 */
final class SeedNormalizations {
    private static final Normalization CIFAR10 = new Normalization(List.of(0.491, 0.482, 0.447), List.of(0.247, 0.243, 0.262));
    private static final Normalization CIFAR100 = new Normalization(List.of(0.507, 0.487, 0.441), List.of(0.267, 0.256, 0.276));
    private static final Normalization HALF = new Normalization(List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5));
    private static final Normalization IMAGENET_LIKE = new Normalization(List.of(0.5, 0.5, 0.5), List.of(0.25, 0.25, 0.25));

    private static final Map<String, Normalization> BY_DATASET = Map.of(
            "cifar10", CIFAR10,
            "cifar100", CIFAR100,
            "stl10", HALF,
            "tiny-imagenet", IMAGENET_LIKE,
            "slimagenet64", IMAGENET_LIKE);

    private SeedNormalizations() {
    }

    /** The seed's normalisation of a dataset, or null for a dataset the seed does not use. */
    static Normalization of(String dataset) {
        return BY_DATASET.get(dataset);
    }
}
