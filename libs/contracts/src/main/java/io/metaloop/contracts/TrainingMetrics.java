package io.metaloop.contracts;

/**
 * The latest training measurements a trainer reported.
 *
 * @param loss             mean training loss over the last reporting window
 * @param imagesPerSecond  training throughput over the last reporting window
 * @param stepMillis       mean wall time of one training step (compute only)
 * @param dataWaitFraction share of wall time spent waiting for batches
 */
public record TrainingMetrics(double loss, double imagesPerSecond, double stepMillis, double dataWaitFraction) {
}
