package io.metaloop.learning.checkpoint;

/**
 * Where training stands: the next batch to train is batch {@code batch} of epoch {@code epoch}.
 * At an epoch's end the position is (next epoch, 0), so {@code epoch} also counts the complete
 * epochs. Since an epoch's batch order is a function of (seed, epoch) alone, this pair is the whole
 * data position a resumed run needs.
 */
public record TrainingPosition(int epoch, long batch) {
    public static final TrainingPosition START = new TrainingPosition(0, 0);

    public TrainingPosition {
        if (epoch < 0 || batch < 0) {
            throw new IllegalArgumentException("training position needs epoch and batch >= 0, got epoch " + epoch
                    + " batch " + batch);
        }
    }

    /** The start of an epoch. */
    public static TrainingPosition epochStart(int epoch) {
        return new TrainingPosition(epoch, 0);
    }

    /** Complete epochs behind this position. */
    public int epochsDone() {
        return epoch;
    }

    public boolean atEpochStart() {
        return batch == 0;
    }

    @Override
    public String toString() {
        return "epoch " + epoch + " batch " + batch;
    }
}
