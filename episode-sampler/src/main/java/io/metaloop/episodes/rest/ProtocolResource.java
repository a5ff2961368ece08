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
                             @QueryParam("ways") Integer ways, @QueryParam("shots") Integer shots,
                             @QueryParam("queries") Integer queries, @QueryParam("trials") Integer trials,
                             @QueryParam("seed") Long seed) {
        List<FieldError> errors = new ArrayList<>();
        require(errors, "dataset", dataset);
        require(errors, "split", split);
        positive(errors, "ways", ways, 1000);
        positive(errors, "shots", shots, 1000);
        positive(errors, "queries", queries, 1000);
        positive(errors, "trials", trials, MAX_TRIALS);
        if (!errors.isEmpty()) {
            return bad(400, new ApiError(400, "invalid query parameters", errors));
        }
        try {
            FewShotProtocol p = episodes.protocol(dataset, split, ways, shots, queries, trials, seed == null ? 0 : seed);
            return Response.ok(p).build();
        } catch (EpisodeServer.UnknownDatasetException e) {
            return bad(404, ApiError.of(404, e.getMessage()));
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

    private static void positive(List<FieldError> errors, String name, Integer value, int max) {
        if (value == null) {
            errors.add(new FieldError(name, "is required"));
        } else if (value < 1 || value > max) {
            errors.add(new FieldError(name, "must be between 1 and " + max + ", got " + value));
        }
    }

    private static Response bad(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(error).build();
    }
}
