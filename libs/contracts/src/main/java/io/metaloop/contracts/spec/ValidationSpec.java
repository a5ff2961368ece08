package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Json;

/**
 * Meta-validation after every epoch, on the same fixed episodes each time (PyTorch-MAML reseeds
 * its validation sampler with 0 every epoch): trials {@code [0, trials)} of the validation split
 * drawn with {@code seed}, the shape defaulting to the evaluation's. The best-scoring epoch's
 * checkpoint is kept as "best" beside the last one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ValidationSpec(
        @JacksonInject(value = Json.ABSENT + "trials", useInput = OptBoolean.TRUE) Integer trials,
        @JacksonInject(value = Json.ABSENT + "seed", useInput = OptBoolean.TRUE) Long seed,
        @JacksonInject(value = Json.ABSENT + "ways", useInput = OptBoolean.TRUE) Integer ways,
        @JacksonInject(value = Json.ABSENT + "shots", useInput = OptBoolean.TRUE) Integer shots,
        @JacksonInject(value = Json.ABSENT + "queries", useInput = OptBoolean.TRUE) Integer queries) {

    /** Absent values: 100 trials, seed 0, the evaluation's shape. */
    public ValidationSpec withDefaults(EvaluationSpec evaluation) {
        return new ValidationSpec(trials == null ? 100 : trials, seed == null ? 0L : seed,
                ways == null ? evaluation.ways() : ways, shots == null ? evaluation.shots() : shots,
                queries == null ? evaluation.queries() : queries);
    }

    public void check(String path, Checks c) {
        c.range(Checks.path(path, "trials"), trials, 1, 100_000);
        c.range(Checks.path(path, "ways"), ways, 2, EpisodeSpec.MAX_WAYS);
        c.range(Checks.path(path, "shots"), shots, 1, EpisodeSpec.MAX_PER_CLASS);
        c.range(Checks.path(path, "queries"), queries, 1, EpisodeSpec.MAX_PER_CLASS);
    }
}
