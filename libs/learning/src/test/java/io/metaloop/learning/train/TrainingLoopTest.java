package io.metaloop.learning.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.OptimizerState;
import io.metaloop.learning.checkpoint.TrainingPosition;
import io.metaloop.learning.method.TrainingMethod;
import io.metaloop.learning.model.Classifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loop's bookkeeping, with an in-memory batch source and a method that records what it sees. */
class TrainingLoopTest {
    private static final Duration EPOCH_ENDS_ONLY = Duration.ofDays(1);

    private static BatchFrame batch(int epoch, long index, long total) {
        return new BatchFrame(epoch, index, total, 2, 1, 1, 1, 1, new byte[2], new int[2]);
    }

    /** Delivers {@code perEpoch} batches per epoch, optionally swapping two of them. */
    private static BatchSource source(int perEpoch, boolean swap) {
        return (epoch, fromBatch) -> new BatchSource.EpochStream() {
            private long next = fromBatch;

            @Override
            public BatchFrame next() {
                if (next >= perEpoch) {
                    return null;
                }
                long index = swap && next == 1 ? 2 : swap && next == 2 ? 1 : next;
                next++;
                return batch(epoch, index, perEpoch);
            }

            @Override
            public void close() {
            }
        };
    }

    private static class RecordingMethod implements TrainingMethod {
        final List<String> steps = new ArrayList<>();
        double loss = 1.0;

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public double step(BatchFrame b) {
            steps.add(b.epoch() + ":" + b.batchIndex());
            return loss;
        }

        @Override
        public Classifier model() {
            throw new UnsupportedOperationException("not needed by the loop");
        }

        @Override
        public Checkpoint checkpoint(String experimentId, TrainingPosition position) {
            return new Checkpoint(experimentId, "recording", null, position, 5, new float[0], new float[0],
                    new OptimizerState("none", 0, List.of()), 0);
        }

        @Override
        public void restore(Checkpoint checkpoint) {
        }
    }

    @Test
    void runsEveryBatchOfTheRemainingEpochsAndCheckpointsEach() throws Exception {
        RecordingMethod method = new RecordingMethod();
        List<String> saved = new ArrayList<>();
        List<StepReport> reports = new ArrayList<>();
        List<String> epochEnds = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStep(StepReport report) {
                reports.add(report);
            }

            @Override
            public void onEpochEnd(int epochsDone, long stepsPerEpoch, String key) {
                epochEnds.add(epochsDone + "/" + stepsPerEpoch + "@" + key);
            }
        };
        CheckpointStore store = c -> {
            saved.add("e" + c.epochsDone());
            return "key-" + c.epochsDone();
        };
        String last = new TrainingLoop(method, source(3, false), store, listener, EPOCH_ENDS_ONLY)
                .run("x", TrainingPosition.epochStart(1), 3);
        assertEquals(List.of("1:0", "1:1", "1:2", "2:0", "2:1", "2:2"), method.steps);
        assertEquals(List.of("e2", "e3"), saved);
        assertEquals(List.of("2/3@key-2", "3/3@key-3"), epochEnds);
        assertEquals("key-3", last);
        assertEquals(6, reports.size());
        assertEquals(3, reports.get(2).step());
        assertTrue(reports.stream().allMatch(r -> r.dataWaitNanos() >= 0 && r.computeNanos() >= 0 && r.images() == 2));
    }

    @Test
    void aZeroIntervalCheckpointsInsideEpochsAndAResumedRunStartsAtTheRecordedBatch() throws Exception {
        RecordingMethod method = new RecordingMethod();
        List<TrainingPosition> saved = new ArrayList<>();
        CheckpointStore store = c -> {
            saved.add(c.position());
            return "k" + saved.size();
        };
        new TrainingLoop(method, source(3, false), store, noListener(), Duration.ZERO).run("x", TrainingPosition.START, 2);
        // after batches 1 and 2 of each epoch, then at the epoch's end (batch 3 is the end, not a position inside)
        assertEquals(List.of(new TrainingPosition(0, 1), new TrainingPosition(0, 2), TrainingPosition.epochStart(1),
                new TrainingPosition(1, 1), new TrainingPosition(1, 2), TrainingPosition.epochStart(2)), saved);

        RecordingMethod resumed = new RecordingMethod();
        new TrainingLoop(resumed, source(3, false), c -> "k", noListener(), EPOCH_ENDS_ONLY)
                .run("x", new TrainingPosition(0, 2), 2);
        assertEquals(List.of("0:2", "1:0", "1:1", "1:2"), resumed.steps);
    }

    @Test
    void aResumedEpochWithNothingLeftIsNamed() {
        var e = assertThrows(IllegalStateException.class,
                () -> new TrainingLoop(new RecordingMethod(), source(3, false), c -> "k", noListener(), EPOCH_ENDS_ONLY)
                        .run("x", new TrainingPosition(0, 3), 1));
        assertEquals("epoch 0 delivered no batches from batch 3", e.getMessage());
    }

    @Test
    void outOfOrderBatchesStopTraining() {
        var e = assertThrows(IllegalStateException.class,
                () -> new TrainingLoop(new RecordingMethod(), source(4, true), c -> "k", noListener(), EPOCH_ENDS_ONLY)
                        .run("x", TrainingPosition.START, 1));
        assertEquals("expected batch 1 of epoch 0, got 2 of epoch 0", e.getMessage());
    }

    @Test
    void aNonFiniteLossStopsTrainingNamingTheStep() {
        RecordingMethod method = new RecordingMethod();
        method.loss = Double.NaN;
        var e = assertThrows(IllegalStateException.class,
                () -> new TrainingLoop(method, source(2, false), c -> "k", noListener(), EPOCH_ENDS_ONLY)
                        .run("x", TrainingPosition.START, 1));
        assertTrue(e.getMessage().contains("diverged") && e.getMessage().contains("step 1"), e.getMessage());
    }

    @Test
    void anEmptyEpochIsAnError() {
        var e = assertThrows(IllegalStateException.class,
                () -> new TrainingLoop(new RecordingMethod(), source(0, false), c -> "k", noListener(), EPOCH_ENDS_ONLY)
                        .run("x", TrainingPosition.START, 1));
        assertEquals("epoch 0 delivered no batches", e.getMessage());
    }

    /** Records each preparation and how many images the whole split delivered for it, between the steps. */
    private static final class PreparingMethod extends RecordingMethod implements EpochPreparation {
        @Override
        public void prepareEpoch(int epoch, BatchSource trainingSplit) throws InterruptedException {
            int images = 0;
            try (BatchSource.EpochStream stream = trainingSplit.open(epoch, 0)) {
                for (BatchFrame b; (b = stream.next()) != null; ) {
                    images += b.count();
                }
            }
            steps.add("prepare " + epoch + " (" + images + " images)");
        }
    }

    @Test
    void aPreparingMethodIsGivenTheWholeSplitBeforeEveryEpochStartedFromItsFirstBatch() throws Exception {
        PreparingMethod method = new PreparingMethod();
        new TrainingLoop(method, source(2, false), c -> "k", noListener(), EPOCH_ENDS_ONLY, null, source(5, false))
                .run("x", TrainingPosition.START, 2);
        assertEquals(List.of("prepare 0 (10 images)", "0:0", "0:1", "prepare 1 (10 images)", "1:0", "1:1"), method.steps);

        // resumed inside epoch 0: the checkpoint restored that epoch's preparation, so only epoch 1 is prepared
        PreparingMethod resumed = new PreparingMethod();
        new TrainingLoop(resumed, source(2, false), c -> "k", noListener(), EPOCH_ENDS_ONLY, null, source(5, false))
                .run("x", new TrainingPosition(0, 1), 2);
        assertEquals(List.of("0:1", "prepare 1 (10 images)", "1:0", "1:1"), resumed.steps);
    }

    @Test
    void aPreparingMethodWithoutTheWholeSplitIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new TrainingLoop(new PreparingMethod(), source(2, false), c -> "k", noListener(), EPOCH_ENDS_ONLY));
        assertTrue(e.getMessage().contains("whole training split"), e.getMessage());
    }

    private static TrainingListener noListener() {
        return new TrainingListener() {
            @Override
            public void onStep(StepReport report) {
            }

            @Override
            public void onEpochEnd(int epochsDone, long stepsPerEpoch, String key) {
            }
        };
    }
}
