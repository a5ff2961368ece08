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

    /** One field's problem, e.g. a 404 for the path parameter that names nothing known. */
    public static ApiError of(int status, String field, String error) {
        return new ApiError(status, error, List.of(new FieldError(field, error)));
    }

    /**
     * The answer to a request that no operation takes, for a service's exception mapper: an unknown
     * path (404, field {@code path}), method (405, {@code method}), content type (415,
     * {@code Content-Type}) or accepted type (406, {@code Accept}).
     */
    public static ApiError unrouted(int status, String method, String path, String contentType, String accept,
                                    java.util.Collection<String> allowedMethods) {
        String shown = path == null ? "" : path.length() > 200 ? path.substring(0, 200) + "…" : path;
        return switch (status) {
            case 404 -> of(404, "path", "no operation at " + method + " " + shown);
            case 405 -> of(405, "method", method + " is not an operation of " + shown + "; it takes "
                    + new java.util.TreeSet<>(allowedMethods));
            case 415 -> of(415, "Content-Type", (contentType == null ? "no content type" : "content type '" + contentType + "'")
                    + " is not one " + method + " " + shown + " takes");
            case 406 -> of(406, "Accept", "cannot answer " + method + " " + shown + " as '" + accept + "'");
            default -> of(status, "request", "the request to " + method + " " + shown + " was refused (HTTP " + status + ")");
        };
    }

    public static ApiError of(int status, InvalidMessageException e) {
        return new ApiError(status, e.getMessage(), e.errors());
    }
}
