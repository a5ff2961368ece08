package io.metaloop.learning.train;

import io.metaloop.learning.method.TrainingMethod;

/**
 * Scores the model after an epoch on held-out data — few-shot methods' meta-validation on fixed
 * validation episodes. The training loop keeps the best-scoring epoch's checkpoint as "best".
 */
@FunctionalInterface
public interface Validation {
    /**
     * @param epochsDone complete epochs behind the model
     * @return the score; higher is better
     */
    Score validate(TrainingMethod method, int epochsDone) throws InterruptedException;

    /**
     * @param accuracy mean accuracy over the validation trials (fraction)
     * @param ci95     half-width of its 95% interval (Student's t)
     * @param trials   how many trials it is measured on
     * @param seconds  how long validation took
     */
    record Score(double accuracy, double ci95, int trials, double seconds) {
    }
}
