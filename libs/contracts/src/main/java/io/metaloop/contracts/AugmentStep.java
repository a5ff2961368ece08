package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;

import java.util.Map;
import java.util.TreeMap;

/**
 * One step of a data-side augmentation pipeline, e.g. {@code {"op": "random-crop", "args": {"padding": 4}}}.
 * Arguments left out take their defaults ({@link AugmentOps}).
 */
public record AugmentStep(String op,
                          @JacksonInject(value = Json.ABSENT + "args", useInput = OptBoolean.TRUE) Map<String, Double> args) {
    public AugmentStep {
        args = args == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(args));
        var errors = AugmentOps.check(op, args);
        if (!errors.isEmpty()) {
            throw new InvalidMessageException(errors);
        }
    }

    public static AugmentStep of(String op, Object... nameValuePairs) {
        Map<String, Double> args = new TreeMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            args.put((String) nameValuePairs[i], ((Number) nameValuePairs[i + 1]).doubleValue());
        }
        return new AugmentStep(op, args);
    }

    /** An argument's value, or its default ({@link AugmentOps#FROM_IMAGE} where that depends on the image). */
    public double arg(String name) {
        return AugmentOps.value(op, args, name);
    }
}
