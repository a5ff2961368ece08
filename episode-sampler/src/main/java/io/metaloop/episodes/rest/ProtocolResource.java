package io.metaloop.episodes.rest;

import io.metaloop.contracts.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.metaloop.contracts.ApiError;
import io.metaloop.contracts.FewShotProtocol;
import io.metaloop.contracts.FieldError;
import io.metaloop.episodes.service.EpisodeServer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Frozen few-shot protocols: the identity (SHA-256 of the episode list) of trials 0 … T−1 of a
 * split's N-way K-shot Q-query episodes with a seed. Read-only: the gateway asks for it when an
 * evaluation is created, so that every report names the episodes it was measured on.
 */
@Path("/api/v1/protocols")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "protocols")
public class ProtocolResource {
    private static final int MAX_TRIALS = 1_000_000;

    private final EpisodeServer episodes;

    public ProtocolResource(EpisodeServer episodes) {
        this.episodes = episodes;
    }

    @RolesAllowed({Roles.READER, Roles.SUBMITTER, Roles.ADMIN})
    @GET
    @Operation(summary = "The frozen protocol (with its identity) of a split's episodes",
            description = "400 names every parameter at fault, including an episode shape the split cannot fill")
    public Response protocol(@QueryParam("dataset") String dataset, @QueryParam("split") String split,
                             @Parameter(schema = @Schema(type = SchemaType.INTEGER)) @QueryParam("ways") String ways,
                             @Parameter(schema = @Schema(type = SchemaType.INTEGER)) @QueryParam("shots") String shots,
                             @Parameter(schema = @Schema(type = SchemaType.INTEGER)) @QueryParam("queries") String queries,
                             @Parameter(schema = @Schema(type = SchemaType.INTEGER)) @QueryParam("trials") String trials,
                             @Parameter(schema = @Schema(type = SchemaType.INTEGER)) @QueryParam("seed") String seed) {
        // numbers arrive as text: JAX-RS answers a query parameter it cannot convert with a bare 404
        List<FieldError> errors = new ArrayList<>();
        require(errors, "dataset", dataset);
        if (dataset != null && !dataset.isBlank() && !dataset.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            // not a name any import accepts: nothing to look up (and no object key to build from it)
            errors.add(new FieldError("dataset", "must be a dataset name (1 to 64 lower-case letters, digits and '-'), got '"
                    + shown(dataset) + "'"));
        }
        require(errors, "split", split);
        Integer w = positive(errors, "ways", ways, 1000);
        Integer k = positive(errors, "shots", shots, 1000);
        Integer q = positive(errors, "queries", queries, 1000);
        Integer t = positive(errors, "trials", trials, MAX_TRIALS);
        long s = 0;
        if (seed != null && !seed.isBlank()) {
            try {
                s = Long.parseLong(seed.strip());
            } catch (NumberFormatException e) {
                errors.add(new FieldError("seed", "must be an integer, got '" + shown(seed) + "'"));
            }
        }
        if (!errors.isEmpty()) {
            return bad(400, new ApiError(400, "invalid query parameters", errors));
        }
        try {
            FewShotProtocol p = episodes.protocol(dataset, split, w, k, q, t, s);
            return Response.ok(p).build();
        } catch (EpisodeServer.UnknownDatasetException e) {
            return bad(404, ApiError.of(404, e.field(), e.getMessage()));
        } catch (EpisodeServer.UnlabelledSplitException e) {
            return bad(400, new ApiError(400, e.getMessage(), List.of(new FieldError("split", e.getMessage()))));
        } catch (IllegalArgumentException e) {
            return bad(400, new ApiError(400, e.getMessage(), List.of(new FieldError("ways", e.getMessage()))));
        }
    }

    private static void require(List<FieldError> errors, String name, String value) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(name, "is required"));
        }
    }

    private static Integer positive(List<FieldError> errors, String name, String text, int max) {
        if (text == null || text.isBlank()) {
            errors.add(new FieldError(name, "is required"));
            return null;
        }
        long value;
        try {
            value = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            errors.add(new FieldError(name, "must be an integer between 1 and " + max + ", got '" + shown(text) + "'"));
            return null;
        }
        if (value < 1 || value > max) {
            errors.add(new FieldError(name, "must be between 1 and " + max + ", got " + value));
            return null;
        }
        return (int) value;
    }

    private static String shown(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }

    private static Response bad(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(error).build();
    }
}
