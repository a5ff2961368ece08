package io.metaloop.gateway.rest;

import io.metaloop.contracts.ApiError;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.gateway.service.DatasetCatalogClient;
import io.metaloop.messaging.MessagingException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Bad input → 400 naming the fields; a request no operation takes → 404, 405 or 415 naming why; an unreachable dependency → 503. */
public class ErrorMappers {
    @ServerExceptionMapper
    public Response invalid(InvalidMessageException e) {
        return json(400, ApiError.of(400, e));
    }

    @ServerExceptionMapper
    public Response unavailable(DatasetCatalogClient.UnavailableException e) {
        return json(503, ApiError.of(503, e.getMessage()));
    }

    @ServerExceptionMapper
    public Response kafkaDown(MessagingException e) {
        return json(503, ApiError.of(503, e.getMessage()));
    }

    @ServerExceptionMapper
    public Response objectStoreDown(io.metaloop.storage.ObjectStoreException e) {
        return json(503, ApiError.of(503, e.getMessage()));
    }

    /**
     * A request no operation takes — an unknown path, a method or content type the path does not
     * take — answered as an {@link ApiError} naming what is wrong, like every other 4xx.
     */
    @ServerExceptionMapper
    public Response unrouted(WebApplicationException e, HttpServerRequest request) {
        Response response = e.getResponse();
        if (response.getStatus() < 400 || response.getStatus() >= 500) {
            return response;
        }
        return json(response.getStatus(), ApiError.unrouted(response.getStatus(), request.method().name(), request.path(),
                request.getHeader("Content-Type"), request.getHeader("Accept"), response.getAllowedMethods()));
    }

    private static Response json(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(error).build();
    }
}
