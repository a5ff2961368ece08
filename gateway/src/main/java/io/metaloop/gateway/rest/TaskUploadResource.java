package io.metaloop.gateway.rest;

import io.metaloop.contracts.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.metaloop.contracts.ApiError;
import io.metaloop.gateway.service.TaskService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.NoSuchElementException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code POST /api/v1/experiments/{id}/tasks}: a user's own few-shot task, uploaded as a zip. */
@Path("/api/v1/experiments/{id}/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "tasks")
public class TaskUploadResource {
    static final String ZIP = "application/zip";

    private final TaskService tasks;

    public TaskUploadResource(TaskService tasks) {
        this.tasks = tasks;
    }

    @RolesAllowed({Roles.SUBMITTER, Roles.ADMIN})
    @POST
    @Consumes({ZIP, "application/x-zip-compressed", MediaType.APPLICATION_OCTET_STREAM})
    @Operation(summary = "Classify a user's own few-shot task with a trained experiment",
            description = "The body is a zip: support/<class>/<image> (at least 2 classes, each with at least 1 image) and "
                    + "query/<image> (unlabelled) or query/<class>/<image> (labelled); one wrapping folder is allowed, "
                    + "__MACOSX/ and .DS_Store are ignored. PNG, JPEG, BMP or GIF of any size and colour mode, converted to "
                    + "the experiment's image shape. At most 2,000 images, 64 MiB compressed, 256 MiB inflated. The task is "
                    + "queued for an evaluator; follow it at GET /api/v1/tasks/{taskId}")
    @RequestBody(required = true, content = @Content(mediaType = ZIP))
    @APIResponse(responseCode = "202", description = "Queued: the task id, its classes and the checkpoint used",
            content = @Content(schema = @Schema(implementation = TaskService.StartedTask.class)))
    @APIResponse(responseCode = "400", description = "A bad upload (each archive entry at fault named), a bad parameter, "
            + "or an experiment not trained yet", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No such experiment")
    @APIResponse(responseCode = "413", description = "The upload is larger than quarkus.http.limits.max-body-size (64M)")
    @APIResponse(responseCode = "503", description = "Busy converting other uploads, or the object store, Kafka or the "
            + "dataset catalogue is unavailable")
    public Response upload(@PathParam("id") String id,
                           @Parameter(description = "best (the best meta-validated epoch) or last; default: the experiment's "
                                   + "test checkpoint") @QueryParam("checkpoint") String checkpoint,
                           @Parameter(description = "method (the method's own adaptation) or prototype (nearest class mean "
                                   + "of frozen features); default: the experiment's test head") @QueryParam("head") String head,
                           byte[] body) {
        try {
            TaskService.StartedTask started = tasks.submit(id, body, blankToNull(checkpoint), blankToNull(head));
            return Response.accepted(started).location(URI.create("/api/v1/tasks/" + started.taskId())).build();
        } catch (NoSuchElementException e) {
            return Response.status(404).type(MediaType.APPLICATION_JSON).entity(ApiError.of(404, "id", "no experiment '" + id + "'"))
                    .build();
        } catch (TaskService.BusyException e) {
            return Response.status(503).type(MediaType.APPLICATION_JSON).header("Retry-After", "30")
                    .entity(ApiError.of(503, e.getMessage())).build();
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
