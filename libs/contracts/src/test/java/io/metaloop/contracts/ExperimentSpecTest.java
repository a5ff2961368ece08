package io.metaloop.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentSpecTest {
    @Test
    void validSpecPasses() {
        assertTrue(ExperimentSpec.check("supervised", "fashion-mnist", "conv4", 3, 64, 0.003).isEmpty());
    }

    @Test
    void everyBadFieldIsNamed() {
        List<FieldError> errors = ExperimentSpec.check("magic", "Fashion MNIST", "resnet9000", 0, 100_000, -1);
        assertEquals(List.of("method", "dataset", "backbone", "epochs", "batchSize", "learningRate"),
                errors.stream().map(FieldError::field).toList());
        assertTrue(errors.get(0).message().contains("'magic'"));
        assertTrue(errors.get(2).message().contains("'resnet9000'"));
    }

    @Test
    void missingFieldsAreRequired() {
        List<FieldError> errors = ExperimentSpec.check(null, null, null, 1, 1, 0.1);
        assertEquals(List.of(new FieldError("method", "is required"), new FieldError("dataset", "is required"),
                new FieldError("backbone", "is required")), errors);
    }

    @Test
    void constructorRejectsInvalidValues() {
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> new ExperimentSpec("supervised", "fashion-mnist", "conv4", 1, 0, 0.1, 7, null));
        assertEquals(List.of(new FieldError("batchSize", "must be between 1 and 4096, got 0")), e.errors());
    }

    @Test
    void notANumberLearningRateIsRejected() {
        assertEquals("learningRate", ExperimentSpec.check("supervised", "d", "conv4", 1, 1, Double.NaN).get(0).field());
    }
}
