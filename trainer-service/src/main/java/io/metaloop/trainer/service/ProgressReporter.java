package io.metaloop.trainer.service;

import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Progress;
import io.metaloop.contracts.TrainingMetrics;
import io.metaloop.learning.train.StepReport;
import io.metaloop.learning.train.TrainingListener;
import io.metaloop.trainer.messaging.JobEventPublisher;
import java.time.Clock;
import java.time.Duration;

/**
 * Turns the training loop's steps into metrics and, every {@code interval}, a PROGRESS event with
 * the window's mean loss, throughput, step time and share of time spent waiting for data.
 */
final class ProgressReporter implements TrainingListener {
    private final String experimentId;
    private final String worker;
    private final int epochs;
    private final Duration interval;
    private final JobEventPublisher events;
    private final TrainerMetrics metrics;
    private final Clock clock;

    private long windowStart = System.nanoTime();
    private int windowSteps;
    private int windowImages;
    private double windowLoss;
    private long windowCompute;
    private long windowWait;
    private TrainingMetrics last;
    private long stepsPerEpoch;
    private String lastEpochCheckpoint;

    ProgressReporter(String experimentId, String worker, int epochs, Duration interval, JobEventPublisher events,
                     TrainerMetrics metrics, Clock clock) {
        this.experimentId = experimentId;
        this.worker = worker;
        this.epochs = epochs;
        this.interval = interval;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void onStep(StepReport r) {
        metrics.recordStep(r.dataWaitNanos(), r.computeNanos(), r.images());
        windowSteps++;
        windowImages += r.images();
        windowLoss += r.loss();
        windowCompute += r.computeNanos();
        windowWait += r.dataWaitNanos();
        if (System.nanoTime() - windowStart >= interval.toNanos()) {
            flush();
            events.publish(new JobEvent(experimentId, JobEvent.Type.PROGRESS, worker,
                    new Progress(r.epoch(), epochs, r.step(), r.stepsPerEpoch()), last, null, null, clock.instant()));
        }
    }

    @Override
    public void onEpochEnd(int epochsDone, long stepsPerEpoch, String checkpointKey) {
        this.stepsPerEpoch = stepsPerEpoch;
        this.lastEpochCheckpoint = checkpointKey;
        if (windowSteps > 0) {
            flush();
        }
        events.publish(new JobEvent(experimentId, JobEvent.Type.EPOCH_COMPLETED, worker,
                new Progress(epochsDone, epochs, 0, stepsPerEpoch), last, checkpointKey, null, clock.instant()));
    }

    /** A meta-validation of the epoch whose checkpoint was reported last: a VALIDATED event. */
    @Override
    public void onValidation(int epochsDone, io.metaloop.learning.train.Validation.Score score, boolean best) {
        metrics.validated(score.accuracy());
        events.publish(new JobEvent(experimentId, JobEvent.Type.VALIDATED, worker, null, null, lastEpochCheckpoint, null,
                clock.instant(), new io.metaloop.contracts.ValidationPoint(epochsDone, score.accuracy(),
                Double.isNaN(score.ci95()) ? 0 : score.ci95(), score.trials(), score.seconds(), best, lastEpochCheckpoint)));
    }

    /** Batches per epoch, known once an epoch has ended (0 before). */
    long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** The measurements of the last complete window. */
    TrainingMetrics last() {
        return last;
    }

    private void flush() {
        double seconds = (System.nanoTime() - windowStart) / 1e9;
        double meanLoss = windowLoss / windowSteps;
        double throughput = windowImages / seconds;
        last = new TrainingMetrics(meanLoss, throughput, windowCompute / 1e6 / windowSteps,
                (double) windowWait / Math.max(1, windowWait + windowCompute));
        metrics.report(meanLoss, throughput);
        windowStart = System.nanoTime();
        windowSteps = 0;
        windowImages = 0;
        windowLoss = 0;
        windowCompute = 0;
        windowWait = 0;
    }
}
