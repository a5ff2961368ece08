package io.metaloop.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.FieldError;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentRequestTest {
    @Test
    void aCompleteRequestBecomesASpecWithSeedZeroByDefault() {
        ExperimentSpec spec = Json.readStrict("""
                {"method":"supervised","dataset":"fashion-mnist","backbone":"conv4","epochs":2,"batchSize":32,"learningRate":0.01}"""
                .getBytes(), ExperimentRequest.class).toSpec();
        assertEquals(new ExperimentSpec("supervised", "fashion-mnist", "conv4", 2, 32, 0.01, 0, null), spec);
    }

    @Test
    void everyMissingFieldIsReportedAtOnceInFieldOrder() {
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> Json.readStrict("{}".getBytes(), ExperimentRequest.class).toSpec());
        assertEquals(List.of("method", "dataset", "backbone", "epochs", "batchSize", "learningRate"),
                e.errors().stream().map(FieldError::field).toList());
        e.errors().forEach(err -> assertEquals("is required", err.message()));
    }

    @Test
    void unknownFieldsAreTyposWorthReporting() {
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> Json.readStrict("{\"epoch\": 3}".getBytes(), ExperimentRequest.class));
        assertEquals(new FieldError("epoch", "unknown field"), e.errors().get(0));
    }

    @Test
    void valuesOutOfRangeAreNamedWithTheValue() {
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> new ExperimentRequest(
                "supervised", "fashion-mnist", "conv4", 5000, 64, 0.1, 1L, null).toSpec());
        assertEquals(List.of(new FieldError("epochs", "must be between 1 and 1000, got 5000")), e.errors());
    }
}
