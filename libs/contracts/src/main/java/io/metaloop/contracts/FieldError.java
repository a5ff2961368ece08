package io.metaloop.contracts;

/** One problem with one field of a request, e.g. {@code epochs: must be between 1 and 1000}. */
public record FieldError(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
