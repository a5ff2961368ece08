package io.metaloop.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentRecordTest {
    private final Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
    private final ExperimentSpec spec = ExperimentSpec.supervised("fashion-mnist", "conv4", 2, 64, 0.003, 1, null);

    private JobEvent event(JobEvent.Type type, Progress progress, String checkpoint, String message) {
        return new JobEvent("e1", type, "trainer-a", progress, null, checkpoint, message, t0.plusSeconds(5));
    }

    @Test
    void aSuccessfulRunGoesQueuedRunningEvaluatingSucceeded() {
        ExperimentRecord r = ExperimentRecord.queued("e1", spec, t0);
        assertEquals(ExperimentState.QUEUED, r.state());
        r = r.apply(event(JobEvent.Type.STARTED, null, null, null));
        assertEquals(ExperimentState.RUNNING, r.state());
        assertEquals("trainer-a", r.worker());
        r = r.apply(event(JobEvent.Type.EPOCH_COMPLETED, new Progress(1, 2, 0, 312), "checkpoints/e1/epoch-0001.ckpt", null));
        assertEquals(0.5, r.progress().fraction(), 1e-12);
        r = r.apply(event(JobEvent.Type.TRAINED, new Progress(2, 2, 0, 312), "checkpoints/e1/epoch-0002.ckpt", null));
        assertEquals(ExperimentState.EVALUATING, r.state());
        assertEquals("checkpoints/e1/epoch-0002.ckpt", r.checkpointKey());
        EvalResult result = new EvalResult("e1", "fashion-mnist", "test", r.checkpointKey(), 10_000, 8_800, 0.88, 4.2,
                "evaluator-a", t0.plusSeconds(60));
        r = r.apply(result);
        assertEquals(ExperimentState.SUCCEEDED, r.state());
        assertEquals(0.88, r.result().accuracy());
        assertEquals(5, r.version()); // one per transition after the queued record
    }

    private JobEvent ofAttempt(int attempt, JobEvent.Type type, String worker, String checkpoint) {
        return new JobEvent("e1", type, worker, null, null, checkpoint, null, t0.plusSeconds(attempt * 100L)).withAttempt(attempt);
    }

    @Test
    void aLapsedAttemptIsQueuedAgainAndItsLateEventsAreRefused() {
        ExperimentRecord r = ExperimentRecord.queued("e1", spec, t0).apply(ofAttempt(1, JobEvent.Type.STARTED, "trainer-a", null));
        assertEquals(1, r.attempt());
        assertEquals(new Attempt(1, "trainer-a", t0.plusSeconds(100), null), r.attempts().get(0));
        r = r.attemptEnded("lease lapsed", 3, t0.plusSeconds(150));
        assertEquals(ExperimentState.QUEUED, r.state());
        assertEquals(2, r.attempt());
        assertEquals("lease lapsed", r.attempts().get(0).ended());
        // the first trainer wakes up: its events belong to attempt 1 and change nothing
        JobEvent late = ofAttempt(1, JobEvent.Type.TRAINED, "trainer-a", "checkpoints/e1/epoch-0002.ckpt");
        assertTrue(r.isStale(late));
        assertSame(r, r.apply(late));
        r = r.apply(ofAttempt(2, JobEvent.Type.STARTED, "trainer-b", null));
        assertEquals(ExperimentState.RUNNING, r.state());
        assertEquals(List.of(1, 2), r.attempts().stream().map(Attempt::number).toList());
        r = r.apply(ofAttempt(2, JobEvent.Type.TRAINED, "trainer-b", "checkpoints/e1/attempt-2/epoch-0002.ckpt"));
        assertEquals(ExperimentState.EVALUATING, r.state());
        assertEquals("checkpoints/e1/attempt-2/epoch-0002.ckpt", r.checkpointKey());
        assertFalse(r.isStale(new JobEvent("e1", JobEvent.Type.EVALUATING, "evaluator", null, null, null, null, t0)),
                "events not tied to an attempt are never stale");
    }

    @Test
    void heartbeatsAndReleasesDoNotChangeTheRecord() {
        ExperimentRecord r = ExperimentRecord.queued("e1", spec, t0).apply(ofAttempt(1, JobEvent.Type.STARTED, "trainer-a", null));
        assertSame(r, r.apply(ofAttempt(1, JobEvent.Type.HEARTBEAT, "trainer-a", null)));
        assertSame(r, r.apply(ofAttempt(1, JobEvent.Type.RELEASED, "trainer-a", null)));
    }

    @Test
    void aJobThatKeepsLosingItsWorkerFailsAfterTheLimitListingEveryAttempt() {
        ExperimentRecord r = ExperimentRecord.queued("e1", spec, t0);
        for (int attempt = 1; attempt <= 3; attempt++) {
            r = r.apply(ofAttempt(attempt, JobEvent.Type.STARTED, "trainer-" + attempt, null));
            r = r.attemptEnded("lease lapsed on try " + attempt, 3, t0.plusSeconds(1000 + attempt));
        }
        assertEquals(ExperimentState.FAILED, r.state());
        assertEquals(3, r.attempt());
        assertEquals("gave up after 3 attempts (the limit): attempt 1 on trainer-1: lease lapsed on try 1; "
                + "attempt 2 on trainer-2: lease lapsed on try 2; attempt 3 on trainer-3: lease lapsed on try 3", r.error());
        assertSame(r, r.attemptEnded("again", 3, t0.plusSeconds(2000)), "a failed experiment stays failed");
    }

    @Test
    void onlyARunningAttemptCanEnd() {
        ExperimentRecord queued = ExperimentRecord.queued("e1", spec, t0);
        assertSame(queued, queued.attemptEnded("lease lapsed", 3, t0));
    }

    @Test
    void finishedExperimentsIgnoreLateEvents() {
        ExperimentRecord failed = ExperimentRecord.queued("e1", spec, t0)
                .apply(event(JobEvent.Type.FAILED, null, null, "dataset vanished"));
        assertEquals(ExperimentState.FAILED, failed.state());
        assertEquals("dataset vanished", failed.error());
        assertSame(failed, failed.apply(event(JobEvent.Type.PROGRESS, new Progress(1, 2, 5, 10), null, null)));
    }

    @Test
    void progressFractionCountsStepsWithinTheCurrentEpoch() {
        assertEquals(0.75, new Progress(1, 2, 50, 100).fraction(), 1e-12);
        assertEquals(0.0, Progress.start(3).fraction());
        assertEquals(1.0, new Progress(3, 3, 0, 0).fraction());
    }
}
