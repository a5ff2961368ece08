package io.metaloop.contracts;

import java.util.List;

/** A message or request whose fields are wrong; carries every problem found, each naming its field. */
public final class InvalidMessageException extends IllegalArgumentException {
    private final List<FieldError> errors;

    public InvalidMessageException(List<FieldError> errors) {
        super(describe(errors));
        this.errors = List.copyOf(errors);
    }

    public InvalidMessageException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }

    private static String describe(List<FieldError> errors) {
        return "invalid fields: " + String.join("; ", errors.stream().map(FieldError::toString).toList());
    }
}
