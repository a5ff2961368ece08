package io.metaloop.contracts;

import java.util.List;

/**
 * The body of every error response of every service's REST API.
 *
 * @param status HTTP status code
 * @param error  what went wrong, in a sentence
 * @param fields the request fields at fault (empty when the problem is not a field's)
 */
public record ApiError(int status, String error, List<FieldError> fields) {
    public ApiError {
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    public static ApiError of(int status, String error) {
        return new ApiError(status, error, List.of());
    }

    public static ApiError of(int status, InvalidMessageException e) {
        return new ApiError(status, e.getMessage(), e.errors());
    }
}
