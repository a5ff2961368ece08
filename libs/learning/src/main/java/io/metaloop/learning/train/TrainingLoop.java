package io.metaloop.learning.train;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.learning.checkpoint.TrainingPosition;
import io.metaloop.learning.method.TrainingMethod;
import java.time.Duration;

/**
 * The one training loop every method runs in: epochs of batches from a {@link BatchSource}, a
 * method step per batch, a checkpoint at the end of every epoch and, inside long epochs, one
 * whenever {@code checkpointInterval} has passed since the last. Data wait and compute time are
 * measured apart, so a slow data path shows up as such. With a {@link Validation}, the model is
 * scored after every epoch's checkpoint and the best-scoring one is marked "best" in the store
 * (few-shot methods' meta-validation; a batch of a few-shot method is a meta-batch of episodes).
 * A method that is an {@link EpochPreparation} (DeepCluster) is given the whole training split
 * before the first batch of every epoch the loop starts from batch 0; a run resumed inside an epoch
 * continues with what the method's checkpoint restored.
 */
public final class TrainingLoop {
    private final TrainingMethod method;
    private final BatchSource source;
    private final CheckpointStore checkpoints;
    private final TrainingListener listener;
    private final long checkpointIntervalNanos;
    private final Validation validation;
    private final BatchSource trainingSplit;

    /**
     * @param checkpointInterval the longest time between checkpoints inside an epoch; {@link Duration#ZERO}
     *                           checkpoints after every step
     */
    public TrainingLoop(TrainingMethod method, BatchSource source, CheckpointStore checkpoints, TrainingListener listener,
                        Duration checkpointInterval) {
        this(method, source, checkpoints, listener, checkpointInterval, null);
    }

    /**
     * @param validation scores the model after every epoch; null for none
     */
    public TrainingLoop(TrainingMethod method, BatchSource source, CheckpointStore checkpoints, TrainingListener listener,
                        Duration checkpointInterval, Validation validation) {
        this(method, source, checkpoints, listener, checkpointInterval, validation, null);
    }

    /**
     * @param trainingSplit the whole training split in stored order, not augmented, for a method that
     *                      is an {@link EpochPreparation}; null for other methods
     * @throws IllegalArgumentException if the interval is negative, or the method prepares its epochs
     *                                  and {@code trainingSplit} is null
     */
    public TrainingLoop(TrainingMethod method, BatchSource source, CheckpointStore checkpoints, TrainingListener listener,
                        Duration checkpointInterval, Validation validation, BatchSource trainingSplit) {
        if (checkpointInterval.isNegative()) {
            throw new IllegalArgumentException("checkpoint interval must not be negative, got " + checkpointInterval);
        }
        if (method instanceof EpochPreparation && trainingSplit == null) {
            throw new IllegalArgumentException("method '" + method.name()
                    + "' prepares every epoch from the whole training split, and none was given");
        }
        this.method = method;
        this.source = source;
        this.checkpoints = checkpoints;
        this.listener = listener;
        this.checkpointIntervalNanos = checkpointInterval.toNanos();
        this.validation = validation;
        this.trainingSplit = trainingSplit;
    }

    /**
     * Trains from {@code start} to the end of epoch {@code epochs − 1}.
     *
     * @return the key of the last checkpoint, or null when there was nothing left to train
     */
    public String run(String experimentId, TrainingPosition start, int epochs) throws InterruptedException {
        String lastKey = null;
        long lastSave = System.nanoTime();
        double best = checkpoints.bestScore(experimentId).orElse(Double.NEGATIVE_INFINITY);
        for (int epoch = start.epoch(); epoch < epochs; epoch++) {
            long first = epoch == start.epoch() ? start.batch() : 0;
            long steps = first;
            long stepsPerEpoch = 0;
            if (first == 0 && method instanceof EpochPreparation preparation) {
                preparation.prepareEpoch(epoch, trainingSplit);
            }
            try (BatchSource.EpochStream stream = source.open(epoch, first)) {
                while (true) {
                    long waitStart = System.nanoTime();
                    BatchFrame batch = stream.next();
                    long computeStart = System.nanoTime();
                    if (batch == null) {
                        break;
                    }
                    if (batch.epoch() != epoch || batch.batchIndex() != steps) {
                        throw new IllegalStateException("expected batch " + steps + " of epoch " + epoch + ", got "
                                + batch.batchIndex() + " of epoch " + batch.epoch());
                    }
                    double loss = method.step(batch);
                    if (!Double.isFinite(loss)) {
                        throw new IllegalStateException("training diverged: loss " + loss + " at epoch " + epoch
                                + " step " + (steps + 1));
                    }
                    long end = System.nanoTime();
                    steps++;
                    stepsPerEpoch = batch.epochBatches();
                    listener.onStep(new StepReport(epoch, steps, stepsPerEpoch, loss, batch.count(),
                            computeStart - waitStart, end - computeStart));
                    if (steps < stepsPerEpoch && System.nanoTime() - lastSave >= checkpointIntervalNanos) {
                        lastKey = checkpoints.save(method.checkpoint(experimentId, new TrainingPosition(epoch, steps)));
                        lastSave = System.nanoTime();
                    }
                }
            }
            if (steps == first) {
                throw new IllegalStateException("epoch " + epoch + " delivered no batches"
                        + (first > 0 ? " from batch " + first : ""));
            }
            lastKey = checkpoints.save(method.checkpoint(experimentId, TrainingPosition.epochStart(epoch + 1)));
            lastSave = System.nanoTime();
            listener.onEpochEnd(epoch + 1, stepsPerEpoch, lastKey);
            if (validation != null) {
                Validation.Score score = validation.validate(method, epoch + 1);
                boolean improved = score.accuracy() > best;
                if (improved) {
                    best = score.accuracy();
                    checkpoints.markBest(experimentId, lastKey, epoch + 1, score);
                }
                listener.onValidation(epoch + 1, score, improved);
                lastSave = System.nanoTime();
            }
        }
        return lastKey;
    }
}
