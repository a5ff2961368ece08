package io.metaloop.contracts;

/**
 * One meta-validation: the model after {@code epoch} epochs scored on the experiment's fixed
 * validation trials.
 *
 * @param accuracy      mean query accuracy over the trials (fraction)
 * @param ci95          half-width of its 95% interval (Student's t over the trials)
 * @param best          whether no earlier epoch scored higher (its checkpoint is then the "best" one)
 * @param checkpointKey the checkpoint of that epoch
 */
public record ValidationPoint(int epoch, double accuracy, double ci95, int trials, double seconds, boolean best,
                              String checkpointKey) {
    public ValidationPoint {
        Messages.require("checkpointKey", checkpointKey);
        if (epoch < 1 || trials < 1) {
            throw new InvalidMessageException("epoch", "epoch and trials must be >= 1, got " + epoch + " and " + trials);
        }
    }
}
