package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Catalog;
import io.metaloop.contracts.Json;
import java.util.List;

/**
 * A few-shot test: N-way K-shot Q-query over {@code trials} episodes of a split, drawn with
 * {@code seed} (trial t is a function of (seed, t) alone, so a re-run, or any number of evaluator
 * replicas, sees the same episodes), each adapted to and scored on its own. The report gives the
 * mean accuracy with 95% intervals over the per-episode accuracies (z and Student t) and, with
 * {@code batchMeansOf} = 4, PyTorch-MAML's interval over the means of consecutive groups of 4
 * episodes (seeds.md §3.9).
 *
 * @param split        the split the episodes come from (default: the experiment's test split)
 * @param innerSteps   adaptation steps on the support set (default: the method's test steps;
 *                     unused by prototype heads)
 * @param batchNorm    the batch-norm setting at test time (default: the method's), one of
 *                     {@link Catalog#BATCH_NORM_SETTINGS}
 * @param checkpoint   {@code best} (best meta-validation) or {@code last}; default best when the
 *                     experiment meta-validates, else last
 * @param head         {@code method} (the method's own adaptation) or {@code prototype} (nearest class
 *                     mean of frozen features, squared Euclidean: any trained backbone, e.g. a supervised one)
 * @param batchMeansOf 0 (off) or the group size of PyTorch-MAML's interval (4)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationSpec(
        @JacksonInject(value = Json.ABSENT + "split", useInput = OptBoolean.TRUE) String split,
        @JacksonInject(value = Json.ABSENT + "ways", useInput = OptBoolean.TRUE) Integer ways,
        @JacksonInject(value = Json.ABSENT + "shots", useInput = OptBoolean.TRUE) Integer shots,
        @JacksonInject(value = Json.ABSENT + "queries", useInput = OptBoolean.TRUE) Integer queries,
        @JacksonInject(value = Json.ABSENT + "trials", useInput = OptBoolean.TRUE) Integer trials,
        @JacksonInject(value = Json.ABSENT + "seed", useInput = OptBoolean.TRUE) Long seed,
        @JacksonInject(value = Json.ABSENT + "innerSteps", useInput = OptBoolean.TRUE) Integer innerSteps,
        @JacksonInject(value = Json.ABSENT + "batchNorm", useInput = OptBoolean.TRUE) String batchNorm,
        @JacksonInject(value = Json.ABSENT + "checkpoint", useInput = OptBoolean.TRUE) String checkpoint,
        @JacksonInject(value = Json.ABSENT + "head", useInput = OptBoolean.TRUE) String head,
        @JacksonInject(value = Json.ABSENT + "batchMeansOf", useInput = OptBoolean.TRUE) Integer batchMeansOf) {
    public static final List<String> CHECKPOINTS = List.of("best", "last");
    public static final List<String> HEADS = List.of("method", "prototype");
    public static final int MAX_TRIALS = 1_000_000;

    /**
     * Absent values filled in.
     *
     * @param testSplit        the experiment's test split
     * @param episodes         the training episodes (their ways and shots are the default shape), or null
     * @param testSteps        the method's test-time inner steps, or null for methods without an inner loop
     * @param methodBatchNorm  the method's batch-norm setting, or null for batch-trained methods
     * @param validates        whether the experiment meta-validates (then the best checkpoint is the default)
     */
    public EvaluationSpec withDefaults(String testSplit, EpisodeSpec episodes, Integer testSteps, String methodBatchNorm,
                                       boolean validates) {
        String h = head != null ? head : (methodBatchNorm == null ? "prototype" : "method");
        return new EvaluationSpec(split != null ? split : testSplit,
                ways != null ? ways : (episodes != null ? episodes.ways() : 5),
                shots != null ? shots : (episodes != null ? episodes.shots() : 1),
                queries != null ? queries : 15,
                trials != null ? trials : 600,
                seed != null ? seed : 0L,
                innerSteps != null ? innerSteps : ("method".equals(h) ? testSteps : null),
                batchNorm != null ? batchNorm : ("method".equals(h) ? methodBatchNorm : "inductive"),
                checkpoint != null ? checkpoint : (validates ? "best" : "last"),
                h,
                batchMeansOf != null ? batchMeansOf : 0);
    }

    public void check(String path, Checks c) {
        if (split != null && !split.matches("[a-z0-9][a-z0-9_-]{0,31}")) {
            c.add(Checks.path(path, "split"), "must be a split name (lower-case letters, digits, '-', '_'), got '" + split + "'");
        }
        c.range(Checks.path(path, "ways"), ways, 2, EpisodeSpec.MAX_WAYS);
        c.range(Checks.path(path, "shots"), shots, 1, EpisodeSpec.MAX_PER_CLASS);
        c.range(Checks.path(path, "queries"), queries, 1, EpisodeSpec.MAX_PER_CLASS);
        c.range(Checks.path(path, "trials"), trials, 2, MAX_TRIALS);
        if (innerSteps != null) {
            c.range(Checks.path(path, "innerSteps"), innerSteps, 0, 1000);
        }
        if (batchNorm != null) {
            c.oneOf(Checks.path(path, "batchNorm"), batchNorm, Catalog.BATCH_NORM_SETTINGS);
        }
        if (checkpoint != null) {
            c.oneOf(Checks.path(path, "checkpoint"), checkpoint, CHECKPOINTS);
        }
        if (head != null) {
            c.oneOf(Checks.path(path, "head"), head, HEADS);
        }
        if (batchMeansOf != null && (batchMeansOf < 0 || batchMeansOf == 1 || batchMeansOf > 1000)) {
            c.add(Checks.path(path, "batchMeansOf"), "must be 0 (off) or a group size in [2, 1000], got " + batchMeansOf);
        } else if (batchMeansOf != null && batchMeansOf > 0 && trials != null && trials / batchMeansOf < 2) {
            c.add(Checks.path(path, "batchMeansOf"), "needs at least two groups of " + batchMeansOf + " among "
                    + trials + " trials");
        }
    }
}
