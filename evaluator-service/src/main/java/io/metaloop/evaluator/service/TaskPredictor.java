package io.metaloop.evaluator.service;

import io.metaloop.contracts.FewShotTask;
import io.metaloop.contracts.TaskResult;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.datasets.TaskUpload;
import io.metaloop.learning.data.Images;
import io.metaloop.learning.method.fewshot.Episode;
import io.metaloop.learning.method.fewshot.FewShotLearner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Classifies the queries of a user's task (a frame laid out as {@link FewShotTask} describes) with a
 * few-shot learner. The queries go through the learner in chunks of at most {@code queryChunk}, each
 * chunk with the whole support set, so a task of 2,000 images never needs the activations of all of
 * them at once. With inductive batch norm (running statistics) and the prototype head every query's
 * prediction is the same whatever the chunk; with transductive batch norm the statistics are those of
 * the support set with the query's chunk, and a method that adapts (MAML's family) adapts once per
 * chunk, to the same support set.
 */
public final class TaskPredictor {
    /** Queries per learner call unless told otherwise. */
    public static final int DEFAULT_QUERY_CHUNK = 100;

    private TaskPredictor() {
    }

    /**
     * One prediction per query, in the task's query order.
     *
     * @param frame      the stored task: support rows then query rows, label level 0 the class (−1 for an
     *                   unlabelled query), level 1 the role
     * @param queryChunk queries per learner call, at least 1
     * @throws IllegalArgumentException when the frame does not match the task (count, shape, roles, labels)
     *                                  or the learner refuses the episode (e.g. a fixed head of another
     *                                  number of ways)
     */
    public static List<TaskResult.Prediction> predict(FewShotLearner learner, FewShotLearner.TestSettings settings,
                                                      BatchFrame frame, FewShotTask task, int queryChunk) {
        if (queryChunk < 1) {
            throw new IllegalArgumentException("queryChunk must be >= 1, got " + queryChunk);
        }
        check(frame, task);
        int supportRows = task.supportImages();
        int queries = task.queries().size();
        int ways = task.classes().size();
        int[] labels = Images.labels(frame, 0);
        int[] supportLabels = Arrays.copyOfRange(labels, 0, supportRows);
        int[] queryLabels = Arrays.copyOfRange(labels, supportRows, supportRows + queries);
        INDArray images = Images.toTensor(frame, DataType.FLOAT, learner.normalization());
        INDArray support = images.get(NDArrayIndex.interval(0, supportRows)).dup();
        int[] predicted = new int[queries];
        for (int from = 0; from < queries; from += queryChunk) {
            int to = Math.min(queries, from + queryChunk);
            INDArray query = images.get(NDArrayIndex.interval(supportRows + from, supportRows + to)).dup();
            Episode episode = new Episode(ways, task.maxShots(), to - from, support, supportLabels, query,
                    Arrays.copyOfRange(queryLabels, from, to));
            int[] chunk = learner.predict(episode, settings);
            if (chunk.length != to - from) {
                throw new IllegalStateException("the learner predicted " + chunk.length + " of " + (to - from) + " queries");
            }
            System.arraycopy(chunk, 0, predicted, from, chunk.length);
        }
        List<TaskResult.Prediction> out = new ArrayList<>(queries);
        for (int q = 0; q < queries; q++) {
            if (predicted[q] < 0 || predicted[q] >= ways) {
                throw new IllegalStateException("the learner predicted way " + predicted[q] + " of a " + ways + "-way task");
            }
            String name = task.classes().get(predicted[q]);
            String actual = task.labelled() ? task.classes().get(queryLabels[q]) : null;
            out.add(new TaskResult.Prediction(task.queries().get(q), name, actual, actual == null ? null : actual.equals(name)));
        }
        return out;
    }

    /** The frame is the task: as many rows, the dataset's image shape, roles and labels in place. */
    static void check(BatchFrame frame, FewShotTask task) {
        int supportRows = task.supportImages();
        int rows = supportRows + task.queries().size();
        var d = task.dataset();
        if (frame.count() != rows || frame.labelLevels() != 2) {
            throw new IllegalArgumentException("the stored task has " + frame.count() + " images with " + frame.labelLevels()
                    + " label levels; the request describes " + rows + " images (" + supportRows + " support, "
                    + task.queries().size() + " queries) with 2");
        }
        if (frame.channels() != d.channels() || frame.height() != d.height() || frame.width() != d.width()) {
            throw new IllegalArgumentException("the stored task's images are " + frame.channels() + "×" + frame.height() + "×"
                    + frame.width() + ", the model takes " + d.channels() + "×" + d.height() + "×" + d.width());
        }
        int row = 0;
        for (int c = 0; c < task.supportCounts().size(); c++) {
            for (int k = 0; k < task.supportCounts().get(c); k++, row++) {
                if (frame.label(row, 1) != TaskUpload.ROLE_SUPPORT || frame.label(row, 0) != c) {
                    throw new IllegalArgumentException("row " + row + " of the stored task should be a support image of class "
                            + c + ", is role " + frame.label(row, 1) + " class " + frame.label(row, 0));
                }
            }
        }
        for (; row < rows; row++) {
            int label = frame.label(row, 0);
            boolean fits = task.labelled() ? label >= 0 && label < task.classes().size() : label == TaskUpload.UNLABELLED;
            if (frame.label(row, 1) != TaskUpload.ROLE_QUERY || !fits) {
                throw new IllegalArgumentException("row " + row + " of the stored task should be a" + (task.labelled()
                        ? " labelled" : "n unlabelled") + " query, is role " + frame.label(row, 1) + " class " + label);
            }
        }
    }
}
