package io.metaloop.learning.train;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.learning.method.TrainingMethod;

/**
 * The one training loop every method runs in: epochs of batches from a {@link BatchSource}, a
 * method step per batch, a checkpoint per epoch. Data wait and compute time are measured apart,
 * so a slow data path shows up as such.
 */
public final class TrainingLoop {
    private final TrainingMethod method;
    private final BatchSource source;
    private final CheckpointStore checkpoints;
    private final TrainingListener listener;

    public TrainingLoop(TrainingMethod method, BatchSource source, CheckpointStore checkpoints, TrainingListener listener) {
        this.method = method;
        this.source = source;
        this.checkpoints = checkpoints;
        this.listener = listener;
    }

    /**
     * Trains epochs {@code [startEpoch, epochs)}.
     *
     * @return the key of the final checkpoint
     */
    public String run(String experimentId, long seed, int startEpoch, int epochs) throws InterruptedException {
        String lastKey = null;
        for (int epoch = startEpoch; epoch < epochs; epoch++) {
            long steps = 0;
            long stepsPerEpoch = 0;
            try (BatchSource.EpochStream stream = source.open(epoch)) {
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
                }
            }
            if (steps == 0) {
                throw new IllegalStateException("epoch " + epoch + " delivered no batches");
            }
            lastKey = checkpoints.save(method.checkpoint(experimentId, epoch + 1, seed));
            listener.onEpochEnd(epoch + 1, stepsPerEpoch, lastKey);
        }
        return lastKey;
    }
}
