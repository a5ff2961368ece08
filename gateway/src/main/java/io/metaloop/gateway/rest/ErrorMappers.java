package io.metaloop.gateway.rest;

import io.metaloop.contracts.ApiError;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.gateway.service.DatasetCatalogClient;
import io.metaloop.messaging.MessagingException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Bad input → 400 naming the fields; an unreachable dependency → 503. */
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

    private static Response json(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(error).build();
    }
}
