package io.metaloop.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
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
