package io.metaloop.contracts;

import io.metaloop.contracts.spec.LinearEvalSpec;

/**
 * What an evaluator needs to run a linear evaluation ({@link LinearEvalSpec}, every default filled
 * in) besides the checkpoint: the number of classes the head predicts, which the gateway reads
 * from the catalogue (the label level's class count of {@code settings.dataset}).
 *
 * @throws InvalidMessageException when a field is missing or there are fewer than 2 classes
 */
public record LinearEvalJob(LinearEvalSpec settings, int classes) {
    public LinearEvalJob {
        Messages.require("settings", settings);
        Messages.require("settings.dataset", settings.dataset());
        Messages.require("settings.trainSplit", settings.trainSplit());
        Messages.require("settings.testSplit", settings.testSplit());
        Messages.require("settings.epochs", settings.epochs());
        Messages.require("settings.batchSize", settings.batchSize());
        Messages.require("settings.learningRate", settings.learningRate());
        Messages.require("settings.seed", settings.seed());
        Messages.require("settings.level", settings.level());
        io.metaloop.contracts.spec.Checks checks = new io.metaloop.contracts.spec.Checks();
        settings.check("settings", checks);
        if (!checks.ok()) {
            throw new InvalidMessageException(checks.errors());
        }
        if (classes < 2) {
            throw new InvalidMessageException("classes", "a linear head needs at least 2 classes, got " + classes);
        }
    }
}
