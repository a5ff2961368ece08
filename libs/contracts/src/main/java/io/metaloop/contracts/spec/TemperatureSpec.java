package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Json;

/**
 * The classifier's temperature (PyTorch-MAML's {@code temp}, {@code learn_temp}): logits are
 * multiplied by {@code value}; learned, it is meta-learned in the outer loop and never adapted in
 * the inner loop. Defaults: 1, not learned.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TemperatureSpec(
        @JacksonInject(value = Json.ABSENT + "value", useInput = OptBoolean.TRUE) Double value,
        @JacksonInject(value = Json.ABSENT + "learn", useInput = OptBoolean.TRUE) Boolean learn) {
    public static final TemperatureSpec DEFAULT = new TemperatureSpec(1.0, false);

    public TemperatureSpec withDefaults() {
        return new TemperatureSpec(value == null ? 1.0 : value, learn != null && learn);
    }

    public void check(String path, Checks c) {
        if (value != null) {
            c.range(Checks.path(path, "value"), value, 0, true, 1000);
        }
    }
}
