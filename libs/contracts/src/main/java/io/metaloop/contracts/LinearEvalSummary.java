package io.metaloop.contracts;

import io.metaloop.contracts.spec.LinearEvalSpec;

/**
 * How a linear-evaluation result came about, beside its accuracy in {@link EvalResult}: the
 * settings it ran with, what the head reached on its own training features, and where the time went.
 * This is the offline linear evaluation of the frozen backbone (the relational-reasoning seed's
 * stage 2), not an online probe during pre-training.
 *
 * @param trainExamples  images the head was trained on
 * @param trainAccuracy  the trained head's accuracy on its training features (fraction); absent after fine-tuning,
 *                       whose training images were augmented
 * @param finalLoss      mean cross-entropy of the head's (or, fine-tuning, the whole network's) last epoch
 * @param featureSeconds time spent computing (or loading cached) features
 * @param headSeconds    time spent training and scoring the head
 * @param featuresCached whether both splits' features came from the object store's cache
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record LinearEvalSummary(LinearEvalSpec settings, int classes, long trainExamples,
                                @com.fasterxml.jackson.annotation.JacksonInject(value = Json.ABSENT + "trainAccuracy",
                                        useInput = com.fasterxml.jackson.annotation.OptBoolean.TRUE) Double trainAccuracy,
                                double finalLoss, double featureSeconds, double headSeconds, boolean featuresCached) {
    public LinearEvalSummary {
        Messages.require("settings", settings);
    }
}
