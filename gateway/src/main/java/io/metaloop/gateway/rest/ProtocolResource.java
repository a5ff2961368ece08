package io.metaloop.gateway.rest;

import io.metaloop.contracts.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.metaloop.gateway.service.ExperimentService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Frozen few-shot protocols and the results measured on each: figures are comparable exactly when
 * their protocol ids (SHA-256 of the episode list) match.
 */
@Path("/api/v1/protocols")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "protocols")
public class ProtocolResource {
    private final ExperimentService experiments;

    public ProtocolResource(ExperimentService experiments) {
        this.experiments = experiments;
    }

    @RolesAllowed({Roles.READER, Roles.SUBMITTER, Roles.ADMIN})
    @GET
    @Operation(summary = "Every protocol some result was measured on, with its number of results")
    public List<ExperimentService.ProtocolEntry> list() {
        return experiments.protocols();
    }

    @RolesAllowed({Roles.READER, Roles.SUBMITTER, Roles.ADMIN})
    @GET
    @Path("/{id}/results")
    @Operation(summary = "All results measured on one protocol, side by side, best first (empty for an unknown protocol)")
    public List<ExperimentService.ProtocolResult> results(@PathParam("id") String id) {
        return experiments.results(id);
    }
}
