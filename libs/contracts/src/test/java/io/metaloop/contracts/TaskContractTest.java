package io.metaloop.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.metaloop.contracts.spec.EvaluationSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON of a user's own task ({@link FewShotTask} in an {@link EvalRequest}) and of its {@link TaskResult}. */
class TaskContractTest {
    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
    private static final DatasetInfo DATA = new DatasetInfo("fashion-mnist", 1, 28, 28,
            List.of(new DatasetInfo.Level("class", List.of("a", "b"))), Map.of("test", 10L));
    private static final ExperimentSpec SPEC = ExperimentSpec.supervised("fashion-mnist", "conv4", 1, 64, 1e-3, 1, null);
    private static final EvaluationSpec EVALUATION = new EvaluationSpec(null, null, null, null, null, null, null, null, null,
            null, null).withDefaults("test", null, null, null, false);

    private static FewShotTask task(List<String> classes, List<Integer> counts, List<String> queries) {
        return new FewShotTask("task-0123456789ab", SPEC, DATA, EVALUATION, "last", classes, counts, queries, true);
    }

    @Test
    void anEvalRequestWithATaskRoundTrips() {
        EvalRequest request = new EvalRequest("exp-1", "fashion-mnist", "task", "checkpoints/exp-1/epoch-0001.ckpt", AT, null,
                task(List.of("boot", "shirt"), List.of(2, 1), List.of("boot/q2.png", "shirt/q1.png")));
        EvalRequest back = Json.read(Json.write(request), EvalRequest.class);
        assertEquals(request, back);
        assertEquals(3, back.task().supportImages());
        assertEquals(2, back.task().maxShots());
        assertNull(back.fewShot());
    }

    @Test
    void anOlderEvalRequestWithoutTheTaskFieldStillReads() {
        EvalRequest r = Json.read("""
                {"experimentId": "e", "dataset": "d", "split": "test", "checkpointKey": "k", "requestedAt": "2026-01-02T03:04:05Z"}""",
                EvalRequest.class);
        assertNull(r.task());
        assertEquals("{\"experimentId\":\"e\",\"dataset\":\"d\",\"split\":\"test\",\"checkpointKey\":\"k\","
                + "\"requestedAt\":\"2026-01-02T03:04:05Z\"}", Json.writeString(r));
    }

    @Test
    void aTaskNeedsTwoDistinctClassesWithSupportAndAQuery() {
        assertEquals("classes", assertThrows(InvalidMessageException.class,
                () -> task(List.of("a"), List.of(1), List.of("q"))).errors().get(0).field());
        assertEquals("classes", assertThrows(InvalidMessageException.class,
                () -> task(List.of("a", "a"), List.of(1, 1), List.of("q"))).errors().get(0).field());
        assertEquals("supportCounts", assertThrows(InvalidMessageException.class,
                () -> task(List.of("a", "b"), List.of(1, 0), List.of("q"))).errors().get(0).field());
        assertEquals("queries", assertThrows(InvalidMessageException.class,
                () -> task(List.of("a", "b"), List.of(1, 1), List.of())).errors().get(0).field());
    }

    @Test
    void resultsAreWrittenWithoutTheFieldsThatDoNotApply() {
        assertEquals("{\"taskId\":\"task-1\",\"experimentId\":\"exp-1\",\"state\":\"PENDING\"}",
                Json.writeString(TaskResult.pending("task-1", "exp-1")));

        TaskResult done = TaskResult.succeeded("task-1", "exp-1", "best", "k", "method", List.of("a", "b"),
                List.of(new TaskResult.Prediction("x.png", "a", "a", true), new TaskResult.Prediction("y.png", "a", "b", false),
                        new TaskResult.Prediction("z.png", "b", "b", true), new TaskResult.Prediction("w.png", "b", "b", true)),
                "evaluator-1", 1.5, AT);
        assertEquals(4, done.labelled());
        assertEquals(3, done.correct());
        assertEquals(0.75, done.accuracy());
        assertEquals(done, Json.read(Json.write(done), TaskResult.class));

        TaskResult unlabelled = TaskResult.succeeded("task-2", "exp-1", "last", "k", "prototype", List.of("a", "b"),
                List.of(new TaskResult.Prediction("x.png", "b", null, null)), "evaluator-1", 0.5, AT);
        assertEquals("{\"taskId\":\"task-2\",\"experimentId\":\"exp-1\",\"state\":\"SUCCEEDED\",\"checkpoint\":\"last\","
                + "\"checkpointKey\":\"k\",\"head\":\"prototype\",\"classes\":[\"a\",\"b\"],"
                + "\"predictions\":[{\"query\":\"x.png\",\"predicted\":\"b\"}],\"labelled\":0,\"worker\":\"evaluator-1\","
                + "\"seconds\":0.5,\"finishedAt\":\"2026-12-01T10:00:00Z\"}", Json.writeString(unlabelled));
        assertEquals(unlabelled, Json.read(Json.write(unlabelled), TaskResult.class));

        TaskResult failed = TaskResult.failed("task-3", "exp-1", "last", "k", "method", "the classifier head has 5 outputs",
                "evaluator-1", 0.1, AT);
        assertEquals(failed, Json.read(Json.write(failed), TaskResult.class));
        assertEquals("state", assertThrows(InvalidMessageException.class,
                () -> Json.read("{\"taskId\": \"t\", \"state\": \"DONE\"}", TaskResult.class)).errors().get(0).field());
    }
}
