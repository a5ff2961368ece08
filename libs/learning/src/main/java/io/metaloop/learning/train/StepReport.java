package io.metaloop.learning.train;

/**
 * One training step as the loop saw it.
 *
 * @param step          1-based step within the epoch
 * @param stepsPerEpoch batches in the epoch
 * @param dataWaitNanos time blocked waiting for the batch
 * @param computeNanos  time of the optimisation step itself
 */
public record StepReport(int epoch, long step, long stepsPerEpoch, double loss, int images, long dataWaitNanos,
                         long computeNanos) {
}
