package io.metaloop.gateway.rest;

import io.metaloop.contracts.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.metaloop.contracts.ApiError;
import io.metaloop.contracts.TaskResult;
import io.metaloop.gateway.service.TaskService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/v1/tasks/{taskId}}: the predictions on a user's own task. */
@Path("/api/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "tasks")
public class TaskResource {
    private final TaskService tasks;

    public TaskResource(TaskService tasks) {
        this.tasks = tasks;
    }

    @RolesAllowed({Roles.READER, Roles.SUBMITTER, Roles.ADMIN})
    @GET
    @Path("/{taskId}")
    @Operation(summary = "A task's predictions: per query its predicted class (and true class when labelled), the accuracy "
            + "of a labelled task; or why it failed")
    @APIResponse(responseCode = "200", description = "Done: state SUCCEEDED with the predictions, or FAILED with the error",
            content = @Content(schema = @Schema(implementation = TaskResult.class)))
    @APIResponse(responseCode = "202", description = "Not classified yet: {\"taskId\": ..., \"state\": \"PENDING\"}")
    @APIResponse(responseCode = "404", description = "No such task")
    public Response get(@PathParam("taskId") String taskId) {
        return tasks.status(taskId)
                .map(r -> (TaskResult.PENDING.equals(r.state()) ? Response.accepted(r) : Response.ok(r)).build())
                .orElseGet(() -> Response.status(404).type(MediaType.APPLICATION_JSON)
                        .entity(ApiError.of(404, "taskId", "no task '" + taskId + "'")).build());
    }
}
