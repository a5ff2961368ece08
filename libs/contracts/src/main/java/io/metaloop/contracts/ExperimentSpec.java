package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;

import java.util.ArrayList;
import java.util.List;

/**
 * What to train: an immutable, validated experiment definition.
 *
 * @param method       training method, one of {@link Catalog#METHODS}
 * @param dataset      dataset name in dataset-service's catalogue
 * @param backbone     network, one of {@link Catalog#BACKBONES}
 * @param epochs       passes over the training split
 * @param batchSize    images per training step
 * @param learningRate Adam's step size
 * @param seed         seeds initialisation and the data order of every epoch
 * @param augment      training augmentations, applied by dataset-service (absent: none)
 */
public record ExperimentSpec(String method, String dataset, String backbone, int epochs, int batchSize,
                             double learningRate, long seed,
                             @JacksonInject(value = Json.ABSENT + "augment", useInput = OptBoolean.TRUE) Augmentation augment) {
    public static final int MAX_EPOCHS = 1000;
    public static final int MAX_BATCH_SIZE = 4096;

    public ExperimentSpec {
        augment = augment == null ? Augmentation.NONE : augment;
        List<FieldError> errors = check(method, dataset, backbone, epochs, batchSize, learningRate);
        if (errors.isEmpty() && (long) batchSize * augment.views() > MAX_BATCH_SIZE) {
            errors.add(new FieldError("augment.views", "batchSize × views = " + (long) batchSize * augment.views()
                    + " images per step; at most " + MAX_BATCH_SIZE));
        }
        if (!errors.isEmpty()) {
            throw new InvalidMessageException(errors);
        }
    }

    /** Checks field values; dataset existence is checked by the gateway against the catalogue. */
    public static List<FieldError> check(String method, String dataset, String backbone, long epochs, long batchSize,
                                         double learningRate) {
        List<FieldError> errors = new ArrayList<>();
        if (method == null) {
            errors.add(new FieldError("method", "is required"));
        } else if (!Catalog.METHODS.contains(method)) {
            errors.add(new FieldError("method", "unknown method '" + method + "'; known: " + Catalog.METHODS));
        }
        if (dataset == null || dataset.isBlank()) {
            errors.add(new FieldError("dataset", "is required"));
        } else if (!dataset.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            errors.add(new FieldError("dataset", "must be lower-case letters, digits and '-', at most 64 characters"));
        }
        if (backbone == null) {
            errors.add(new FieldError("backbone", "is required"));
        } else if (!Catalog.BACKBONES.contains(backbone)) {
            errors.add(new FieldError("backbone", "unknown backbone '" + backbone + "'; known: " + Catalog.BACKBONES));
        }
        if (epochs < 1 || epochs > MAX_EPOCHS) {
            errors.add(new FieldError("epochs", "must be between 1 and " + MAX_EPOCHS + ", got " + epochs));
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            errors.add(new FieldError("batchSize", "must be between 1 and " + MAX_BATCH_SIZE + ", got " + batchSize));
        }
        if (!(learningRate > 0 && learningRate <= 10)) {
            errors.add(new FieldError("learningRate", "must be in (0, 10], got " + learningRate));
        }
        return errors;
    }
}
