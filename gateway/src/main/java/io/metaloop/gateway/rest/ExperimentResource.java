package io.metaloop.gateway.rest;

import io.metaloop.contracts.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.metaloop.contracts.ApiError;
import io.metaloop.contracts.EvalResult;
import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.spec.EvaluationSpec;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.SeedSummary;
import io.metaloop.gateway.service.ExperimentService;
import io.metaloop.gateway.service.SeedSummaries;
import jakarta.ws.rs.QueryParam;
import java.util.ArrayList;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.NoSuchElementException;
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
    static final String YAML = "application/yaml";

    private final ExperimentService experiments;

    public ExperimentResource(ExperimentService experiments) {
        this.experiments = experiments;
    }

    @RolesAllowed({Roles.SUBMITTER, Roles.ADMIN})
    @POST
    @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"})
    @Operation(summary = "Submit an experiment",
            description = "An experiment spec as JSON or YAML: common fields plus the method's section; absent values take "
                    + "their defaults, unknown fields are refused, every problem is named by its full path")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ExperimentSpec.class)))
    @APIResponse(responseCode = "201", description = "Queued", content = @Content(schema = @Schema(implementation = ExperimentRecord.class)))
    @APIResponse(responseCode = "400", description = "Invalid request; every field at fault is named",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "503", description = "The dataset catalogue or Kafka is unavailable")
    public Response submit(byte[] body, @HeaderParam("Content-Type") String contentType) {
        ExperimentRecord record = experiments.submit(Json.readStrict(body, contentType, ExperimentSpec.class));
        return Response.created(URI.create("/api/v1/experiments/" + record.id())).entity(record).build();
    }

    @RolesAllowed({Roles.READER, Roles.SUBMITTER, Roles.ADMIN})
    @GET
    @Operation(summary = "All experiments, newest first")
    public List<ExperimentRecord> list() {
        return experiments.list();
    }

    @RolesAllowed({Roles.READER, Roles.SUBMITTER, Roles.ADMIN})
    @GET
    @Path("/summary")
    @Operation(summary = "One configuration over several seeds",
            description = "Mean, standard deviation and 95 % Student-t interval of the test accuracy of experiments that "
                    + "differ only in their seeds (e.g. seeds 1, 2, 3 as the relational-reasoning paper reports)")
    @APIResponse(responseCode = "200", description = "The summary",
            content = @Content(schema = @Schema(implementation = SeedSummary.class)))
    @APIResponse(responseCode = "400", description = "Fewer than 2 ids, an experiment without a result, a repeated seed, or "
            + "experiments that differ in more than the seed (the field is named)",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "An unknown experiment")
    public Response summary(@QueryParam("ids") String ids) {
        if (ids == null || ids.isBlank()) {
            throw new InvalidMessageException("ids", "is required: experiment ids separated by commas");
        }
        List<ExperimentRecord> records = new ArrayList<>();
        for (String id : ids.split(",")) {
            var record = experiments.get(id.trim());
            if (record.isEmpty()) {
                return notFound(id.trim());
            }
            records.add(record.get());
        }
        return Response.ok(SeedSummaries.of(records)).build();
    }

    @RolesAllowed({Roles.READER, Roles.SUBMITTER, Roles.ADMIN})
    @GET
    @Path("/{id}")
    @Operation(summary = "One experiment: state, progress, metrics, meta-validation, results and checkpoint keys")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ExperimentRecord.class)))
    @APIResponse(responseCode = "404", description = "No such experiment")
    public Response get(@PathParam("id") String id) {
        return experiments.get(id).map(r -> Response.ok(r).build()).orElseGet(() -> notFound(id));
    }

    @RolesAllowed({Roles.SUBMITTER, Roles.ADMIN})
    @POST
    @Path("/{id}/evaluations")
    @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"})
    @Operation(summary = "Evaluate a trained experiment's checkpoint few-shot",
            description = "N-way K-shot Q-query over T trials of a split (JSON or YAML; absent values from the experiment): "
                    + "the method's own adaptation, or the prototype head on frozen features for any backbone. The protocol "
                    + "is frozen first; its trials are cut into shards any evaluator may take; the result joins the "
                    + "experiment's evaluations")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = EvaluationSpec.class)))
    @APIResponse(responseCode = "202", description = "Started: the evaluation id, its protocol, shards and checkpoint",
            content = @Content(schema = @Schema(implementation = ExperimentService.StartedEvaluation.class)))
    @APIResponse(responseCode = "400", description = "Invalid evaluation, or an experiment not trained yet",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No such experiment")
    public Response evaluate(@PathParam("id") String id, byte[] body, @HeaderParam("Content-Type") String contentType) {
        EvaluationSpec requested = body == null || body.length == 0
                ? new EvaluationSpec(null, null, null, null, null, null, null, null, null, null, null)
                : Json.readStrict(body, contentType, EvaluationSpec.class);
        try {
            ExperimentService.StartedEvaluation started = experiments.evaluate(id, requested);
            return Response.accepted(started).build();
        } catch (NoSuchElementException e) {
            return notFound(id);
        }
    }

    @RolesAllowed({Roles.READER, Roles.SUBMITTER, Roles.ADMIN})
    @GET
    @Path("/{id}/evaluations")
    @Operation(summary = "The experiment's few-shot evaluations that have finished, with their protocols and intervals")
    @APIResponse(responseCode = "404", description = "No such experiment")
    public Response evaluations(@PathParam("id") String id) {
        return experiments.get(id).map(r -> Response.ok((List<EvalResult>) r.evaluations()).build()).orElseGet(() -> notFound(id));
    }

    private static Response notFound(String id) {
        return Response.status(404).type(MediaType.APPLICATION_JSON).entity(ApiError.of(404, "id", "no experiment '" + id + "'")).build();
    }
}
