package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.metaloop.contracts.spec.Checks;
import io.metaloop.contracts.spec.EvaluationSpec;
import java.util.HashSet;
import java.util.List;

/**
 * The part of an {@link EvalRequest} that asks for predictions on a user's own task: a support set
 * of named classes and query images, uploaded through the gateway and stored, already converted to
 * the experiment's image shape ({@code dataset.channels()×height×width}), as one frame at
 * {@code tasks/<taskId>/episode.mlbf}: the support images (rows 0 … S−1, S = sum of
 * {@code supportCounts}) class by class, then the queries in the order of {@code queries}; label
 * level 0 is the class index (−1 for an unlabelled query), level 1 the role (0 support, 1 query).
 * The evaluator writes its {@link TaskResult} to {@code tasks/<taskId>/result.json}.
 *
 * @param taskId        identifies the task (and its folder in the object store)
 * @param spec          the experiment, to rebuild its method around the checkpoint
 * @param dataset       the catalogue entry of the experiment's training dataset (image shape, classes)
 * @param evaluation    the test settings: {@code head} (method or prototype), {@code innerSteps},
 *                      {@code batchNorm}, {@code checkpoint}; its episode shape is not used
 * @param checkpoint    which checkpoint {@code EvalRequest.checkpointKey} is: "best" or "last"
 * @param classes       the task's class names; class i is label i
 * @param supportCounts support images of each class, in class order (each at least 1)
 * @param queries       the query images' names, in frame order
 * @param labelled      whether the queries' classes are known (then the result has an accuracy)
 * @throws InvalidMessageException when a field is missing, there are fewer than two classes, a class
 *                                 name repeats, a count does not match, or there is no query
 */
public record FewShotTask(String taskId, ExperimentSpec spec, DatasetInfo dataset, EvaluationSpec evaluation,
                          String checkpoint, List<String> classes, List<Integer> supportCounts, List<String> queries,
                          boolean labelled) {
    public FewShotTask {
        Messages.require("taskId", taskId);
        Messages.require("spec", spec);
        Messages.require("dataset", dataset);
        Messages.require("evaluation", evaluation);
        Messages.require("checkpoint", checkpoint);
        Messages.require("classes", classes);
        Messages.require("supportCounts", supportCounts);
        Messages.require("queries", queries);
        Checks checks = new Checks();
        evaluation.check("evaluation", checks);
        if (!checks.ok()) {
            throw new InvalidMessageException(checks.errors());
        }
        classes = List.copyOf(classes);
        supportCounts = List.copyOf(supportCounts);
        queries = List.copyOf(queries);
        if (classes.size() < 2) {
            throw new InvalidMessageException("classes", "a task needs at least two classes, got " + classes.size());
        }
        if (new HashSet<>(classes).size() != classes.size()) {
            throw new InvalidMessageException("classes", "class names must be distinct, got " + classes);
        }
        if (supportCounts.size() != classes.size() || supportCounts.stream().anyMatch(n -> n < 1)) {
            throw new InvalidMessageException("supportCounts", "need one count of at least 1 per class (" + classes.size()
                    + " classes), got " + supportCounts);
        }
        if (queries.isEmpty()) {
            throw new InvalidMessageException("queries", "a task needs at least one query");
        }
    }

    /** Support images in all: the frame's first rows. */
    @JsonIgnore
    public int supportImages() {
        return supportCounts.stream().mapToInt(Integer::intValue).sum();
    }

    /** The largest number of support images of one class (an episode's {@code shots}). */
    @JsonIgnore
    public int maxShots() {
        return supportCounts.stream().mapToInt(Integer::intValue).max().orElse(0);
    }
}
