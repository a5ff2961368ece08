package io.metaloop.gateway.rest;

import io.metaloop.contracts.Augmentation;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.FieldError;
import io.metaloop.contracts.InvalidMessageException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code POST /api/v1/experiments}. Fields are nullable here so that every missing
 * one can be reported at once; {@link #toSpec()} validates and builds the immutable spec.
 */
@Schema(name = "ExperimentRequest", description = "A training experiment to run")
public record ExperimentRequest(
        @Schema(required = true, examples = "supervised", description = "Training method") String method,
        @Schema(required = true, examples = "fashion-mnist", description = "Dataset in the catalogue") String dataset,
        @Schema(required = true, examples = "conv4", description = "Backbone network") String backbone,
        @Schema(required = true, examples = "6", minimum = "1", maximum = "1000") Integer epochs,
        @Schema(required = true, examples = "64", minimum = "1", maximum = "4096") Integer batchSize,
        @Schema(required = true, examples = "0.003", description = "Adam step size, in (0, 10]") Double learningRate,
        @Schema(examples = "1", description = "Seeds initialisation and data order; default 0") Long seed,
        @Schema(description = "Training augmentations applied by dataset-service, e.g. {\"preset\": \"crop-flip\", \"views\": 1}; "
                + "default none") Augmentation augment) {

    public ExperimentSpec toSpec() {
        List<FieldError> errors = new ArrayList<>();
        if (epochs == null) {
            errors.add(new FieldError("epochs", "is required"));
        }
        if (batchSize == null) {
            errors.add(new FieldError("batchSize", "is required"));
        }
        if (learningRate == null) {
            errors.add(new FieldError("learningRate", "is required"));
        }
        for (FieldError e : ExperimentSpec.check(method, dataset, backbone, epochs == null ? 1 : epochs,
                batchSize == null ? 1 : batchSize, learningRate == null ? 1 : learningRate)) {
            errors.add(e);
        }
        if (!errors.isEmpty()) {
            errors.sort(java.util.Comparator.comparingInt(e -> FIELD_ORDER.indexOf(e.field())));
            throw new InvalidMessageException(errors);
        }
        return new ExperimentSpec(method, dataset, backbone, epochs, batchSize, learningRate, seed == null ? 0 : seed,
                augment);
    }

    private static final List<String> FIELD_ORDER = List.of("method", "dataset", "backbone", "epochs", "batchSize",
            "learningRate", "seed", "augment.views");
}
