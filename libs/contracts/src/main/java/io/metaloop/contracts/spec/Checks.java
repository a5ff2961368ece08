package io.metaloop.contracts.spec;

import io.metaloop.contracts.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem of an experiment spec, each under its full field path
 * ({@code maml.inner.steps}), so a request hears about all its mistakes at once.
 */
public final class Checks {
    private final List<FieldError> errors = new ArrayList<>();

    public void add(String path, String message) {
        errors.add(new FieldError(path, message));
    }

    public List<FieldError> errors() {
        return List.copyOf(errors);
    }

    public boolean ok() {
        return errors.isEmpty();
    }

    /** {@code prefix.field}, or {@code field} at the top level. */
    public static String path(String prefix, String field) {
        return prefix.isEmpty() ? field : prefix + "." + field;
    }

    /** "is required" when the value is absent. */
    public void required(String path, Object value) {
        if (value == null) {
            add(path, "is required");
        }
    }

    /** An integer in [min, max], when present (absent values take their defaults later). */
    public void range(String path, Number value, long min, long max) {
        if (value != null && (value.longValue() < min || value.longValue() > max)) {
            add(path, "must be between " + min + " and " + max + ", got " + value);
        }
    }

    /** A number in (min, max] ({@code openMin}) or [min, max], when present. */
    public void range(String path, Double value, double min, boolean openMin, double max) {
        if (value != null && (!Double.isFinite(value) || (openMin ? value <= min : value < min) || value > max)) {
            add(path, "must be in " + (openMin ? "(" : "[") + min + ", " + max + "], got " + value);
        }
    }

    /** One of the given names, when present. */
    public void oneOf(String path, String value, List<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            add(path, "unknown value '" + value + "'; known: " + allowed);
        }
    }
}
