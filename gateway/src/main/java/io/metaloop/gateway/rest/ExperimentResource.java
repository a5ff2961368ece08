package io.metaloop.gateway.rest;

import io.metaloop.contracts.ApiError;
import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.Json;
import io.metaloop.gateway.service.ExperimentService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/experiments")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "experiments")
public class ExperimentResource {
    private final ExperimentService experiments;

    public ExperimentResource(ExperimentService experiments) {
        this.experiments = experiments;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit an experiment", description = "Validates the request, stores the experiment and queues its training job")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ExperimentRequest.class)))
    @APIResponse(responseCode = "201", description = "Queued", content = @Content(schema = @Schema(implementation = ExperimentRecord.class)))
    @APIResponse(responseCode = "400", description = "Invalid request; every field at fault is named",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "503", description = "The dataset catalogue or Kafka is unavailable")
    public Response submit(byte[] body) {
        ExperimentRecord record = experiments.submit(Json.readStrict(body, ExperimentRequest.class).toSpec());
        return Response.created(URI.create("/api/v1/experiments/" + record.id())).entity(record).build();
    }

    @GET
    @Operation(summary = "All experiments, newest first")
    public List<ExperimentRecord> list() {
        return experiments.list();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One experiment: state, progress, metrics, result and checkpoint key")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ExperimentRecord.class)))
    @APIResponse(responseCode = "404", description = "No such experiment")
    public Response get(@PathParam("id") String id) {
        return experiments.get(id).map(r -> Response.ok(r).build())
                .orElseGet(() -> Response.status(404).type(MediaType.APPLICATION_JSON)
                        .entity(ApiError.of(404, "no experiment '" + id + "'")).build());
    }
}
