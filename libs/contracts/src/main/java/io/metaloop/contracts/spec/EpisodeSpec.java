package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Json;

/**
 * How a few-shot method meta-trains: on meta-batches of {@code metaBatch} N-way K-shot Q-query
 * episodes of the training split, {@code metaBatchesPerEpoch} meta-batches (meta-steps) per epoch.
 * PyTorch-MAML's {@code train} block: {@code n_way}, {@code n_shot}, {@code n_query},
 * {@code n_episode}, {@code n_batch} (seeds.md §3.1). Training ways and shots may differ from the
 * evaluation's (ProtoNets train 60-way, Snell et al. 2017).
 *
 * @param ways                N, classes per episode (default 5)
 * @param shots               K, support images per class (default 1)
 * @param queries             Q, query images per class (default 15)
 * @param metaBatch           episodes per meta-step (default 4)
 * @param metaBatchesPerEpoch meta-steps per epoch (default 200, PyTorch-MAML's)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpisodeSpec(
        @JacksonInject(value = Json.ABSENT + "ways", useInput = OptBoolean.TRUE) Integer ways,
        @JacksonInject(value = Json.ABSENT + "shots", useInput = OptBoolean.TRUE) Integer shots,
        @JacksonInject(value = Json.ABSENT + "queries", useInput = OptBoolean.TRUE) Integer queries,
        @JacksonInject(value = Json.ABSENT + "metaBatch", useInput = OptBoolean.TRUE) Integer metaBatch,
        @JacksonInject(value = Json.ABSENT + "metaBatchesPerEpoch", useInput = OptBoolean.TRUE) Integer metaBatchesPerEpoch) {
    public static final int MAX_WAYS = 1000;
    public static final int MAX_PER_CLASS = 1000;
    /** Images one meta-step may carry: a bound that keeps a frame well inside memory. */
    public static final int MAX_IMAGES_PER_META_BATCH = 65_536;

    public EpisodeSpec withDefaults() {
        return new EpisodeSpec(ways == null ? 5 : ways, shots == null ? 1 : shots, queries == null ? 15 : queries,
                metaBatch == null ? 4 : metaBatch, metaBatchesPerEpoch == null ? 200 : metaBatchesPerEpoch);
    }

    /** Images in one episode. */
    public long imagesPerEpisode() {
        return (long) ways * (shots + queries);
    }

    public void check(String path, Checks c) {
        c.range(Checks.path(path, "ways"), ways, 2, MAX_WAYS);
        c.range(Checks.path(path, "shots"), shots, 1, MAX_PER_CLASS);
        c.range(Checks.path(path, "queries"), queries, 0, MAX_PER_CLASS);
        c.range(Checks.path(path, "metaBatch"), metaBatch, 1, 1024);
        c.range(Checks.path(path, "metaBatchesPerEpoch"), metaBatchesPerEpoch, 1, 1_000_000);
        EpisodeSpec full = withDefaults();
        if (c.ok() && full.imagesPerEpisode() * full.metaBatch() > MAX_IMAGES_PER_META_BATCH) {
            c.add(Checks.path(path, "metaBatch"), "ways × (shots + queries) × metaBatch = " + full.imagesPerEpisode() * full.metaBatch()
                    + " images per meta-step; at most " + MAX_IMAGES_PER_META_BATCH);
        }
    }
}
