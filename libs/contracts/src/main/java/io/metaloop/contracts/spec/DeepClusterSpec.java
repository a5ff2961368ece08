package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Json;

/**
 * DeepCluster (Caron et al. 2018) as the relational-reasoning seed runs it (seeds.md §2.6): at the
 * start of every epoch the features of the whole training split are PCA-whitened, L2-normalised
 * and clustered by k-means; the clusters are the epoch's pseudo-labels, the head's last layer is
 * re-initialised, and cross-entropy is weighted by 1 − cluster frequency.
 *
 * @param clustersPerClass k = this × the dataset's primary classes when {@code clusters} is absent (seed: 10)
 * @param clusters         k itself, overriding {@code clustersPerClass}
 * @param iterations       Lloyd iterations per k-means run (seed: sklearn's max_iter 30)
 * @param restarts         k-means++ restarts, the best inertia kept (seed: n_init 5)
 * @param hidden           hidden units of the head F–hidden–BN–LeakyReLU–k (seed: 256)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeepClusterSpec(
        @JacksonInject(value = Json.ABSENT + "clustersPerClass", useInput = OptBoolean.TRUE) Integer clustersPerClass,
        @JacksonInject(value = Json.ABSENT + "clusters", useInput = OptBoolean.TRUE) Integer clusters,
        @JacksonInject(value = Json.ABSENT + "iterations", useInput = OptBoolean.TRUE) Integer iterations,
        @JacksonInject(value = Json.ABSENT + "restarts", useInput = OptBoolean.TRUE) Integer restarts,
        @JacksonInject(value = Json.ABSENT + "hidden", useInput = OptBoolean.TRUE) Integer hidden) {
    public DeepClusterSpec withDefaults() {
        return new DeepClusterSpec(clustersPerClass == null ? 10 : clustersPerClass, clusters,
                iterations == null ? 30 : iterations, restarts == null ? 5 : restarts, hidden == null ? 256 : hidden);
    }

    /** k for a dataset of {@code classes} primary classes. */
    public int clustersFor(int classes) {
        return clusters != null ? clusters : clustersPerClass * classes;
    }

    public void check(String path, Checks c) {
        c.range(Checks.path(path, "clustersPerClass"), clustersPerClass, 1, 1000);
        c.range(Checks.path(path, "clusters"), clusters, 2, 100_000);
        c.range(Checks.path(path, "iterations"), iterations, 1, 1000);
        c.range(Checks.path(path, "restarts"), restarts, 1, 100);
        c.range(Checks.path(path, "hidden"), hidden, 1, 65_536);
    }
}
