package io.metaloop.dataset.rest;

import io.metaloop.contracts.ApiError;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.datasets.DatasetFormatException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns bad input into 400 responses that name the field or file at fault. */
public class ErrorMappers {
    @ServerExceptionMapper
    public Response invalid(InvalidMessageException e) {
        return Response.status(400).type(MediaType.APPLICATION_JSON).entity(ApiError.of(400, e)).build();
    }

    @ServerExceptionMapper
    public Response badDatasetFile(DatasetFormatException e) {
        return Response.status(400).type(MediaType.APPLICATION_JSON).entity(ApiError.of(400, e.getMessage())).build();
    }
}
