package io.metaloop.dataset.rest;

import io.metaloop.contracts.ApiError;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.datasets.DatasetFormatException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns bad input into 400 responses that name the field or file at fault. */
public class ErrorMappers {
    @ServerExceptionMapper
    public Response invalid(InvalidMessageException e) {
        return Response.status(400).type(MediaType.APPLICATION_JSON).entity(ApiError.of(400, e)).build();
    }

    /** A damaged or incomplete dataset source: the import's {@code path}, with the file and byte offset in the message. */
    @ServerExceptionMapper
    public Response badDatasetFile(DatasetFormatException e) {
        return Response.status(400).type(MediaType.APPLICATION_JSON).entity(new ApiError(400, e.getMessage(),
                java.util.List.of(new io.metaloop.contracts.FieldError("path", e.getMessage())))).build();
    }

    /** The object store cannot be reached: a dependency is down, not the client's error. */
    @ServerExceptionMapper
    public Response objectStoreDown(io.metaloop.storage.ObjectStoreException e) {
        return Response.status(503).type(MediaType.APPLICATION_JSON).entity(ApiError.of(503, e.getMessage())).build();
    }

    /** An unknown path, or a method or content type the path does not take, as an {@link ApiError} naming why. */
    @ServerExceptionMapper
    public Response unrouted(WebApplicationException e, HttpServerRequest request) {
        Response response = e.getResponse();
        if (response.getStatus() < 400 || response.getStatus() >= 500) {
            return response;
        }
        return Response.status(response.getStatus()).type(MediaType.APPLICATION_JSON)
                .entity(ApiError.unrouted(response.getStatus(), request.method().name(), request.path(),
                        request.getHeader("Content-Type"), request.getHeader("Accept"), response.getAllowedMethods()))
                .build();
    }
}
