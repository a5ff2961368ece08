package io.metaloop.gateway.rest;

import io.metaloop.contracts.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metaloop.contracts.ApiError;
import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.Preset;
import io.metaloop.contracts.Presets;
import io.metaloop.gateway.service.DatasetCatalogClient;
import io.metaloop.gateway.service.ExperimentService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The papers' experiments as ready presets: each a named spec with the published figure it targets
 * and the command that imports its data. Submitting a preset runs its spec, with any fields of the
 * request body laid over it (e.g. {@code {"epochs": 2, "seed": 3}}).
 */
@Path("/api/v1/presets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "presets")
public class PresetResource {
    private static final ObjectMapper TREE = new ObjectMapper();

    private final ExperimentService experiments;
    private final DatasetCatalogClient datasets;

    public PresetResource(ExperimentService experiments, DatasetCatalogClient datasets) {
        this.experiments = experiments;
        this.datasets = datasets;
    }

    @RolesAllowed({Roles.READER, Roles.SUBMITTER, Roles.ADMIN})
    @GET
    @Operation(summary = "Every preset: what it reproduces, the figure it targets and its source, its data, its spec")
    public List<Preset> list() {
        return Presets.all();
    }

    @RolesAllowed({Roles.READER, Roles.SUBMITTER, Roles.ADMIN})
    @GET
    @Path("/{name}")
    @Operation(summary = "One preset")
    public Response get(@PathParam("name") String name) {
        return Presets.find(name).map(p -> Response.ok(p).build()).orElseGet(() -> notFound(name));
    }

    @RolesAllowed({Roles.SUBMITTER, Roles.ADMIN})
    @POST
    @Path("/{name}/experiments")
    @Consumes({MediaType.APPLICATION_JSON, ExperimentResource.YAML, "application/x-yaml", "text/yaml", MediaType.WILDCARD})
    @Operation(summary = "Submit a preset's experiment",
            description = "Optional body: fields laid over the preset's spec (JSON or YAML), checked like any spec. A preset "
                    + "whose data is not imported gets a 400 naming the command that imports it")
    public Response submit(@PathParam("name") String name, byte[] body, @HeaderParam("Content-Type") String contentType) {
        Optional<Preset> preset = Presets.find(name);
        if (preset.isEmpty()) {
            return notFound(name);
        }
        ExperimentSpec spec = overlaid(preset.get().spec(), body, contentType);
        if (datasets.find(spec.dataset()).isEmpty() && spec.dataset().equals(preset.get().data().dataset())) {
            throw new InvalidMessageException("dataset", "preset '" + name + "' trains on '" + spec.dataset()
                    + "', which is not imported; import it with: " + preset.get().data().importCommand());
        }
        ExperimentRecord record = experiments.submit(spec);
        return Response.created(URI.create("/api/v1/experiments/" + record.id())).entity(record).build();
    }

    /** The preset's spec with the body's fields laid over it, object by object. */
    static ExperimentSpec overlaid(ExperimentSpec spec, byte[] body, String contentType) {
        if (body == null || body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return spec;
        }
        JsonNode overrides = Json.readStrict(body, contentType, JsonNode.class);
        if (!overrides.isObject()) {
            throw new InvalidMessageException("$", "the body must be an object of fields to lay over the preset's spec");
        }
        try {
            ObjectNode base = (ObjectNode) TREE.readTree(Json.write(spec));
            merge(base, (ObjectNode) overrides);
            return Json.readStrict(TREE.writeValueAsBytes(base), ExperimentSpec.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void merge(ObjectNode base, ObjectNode overrides) {
        for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode current = base.get(e.getKey());
            if (current instanceof ObjectNode object && e.getValue() instanceof ObjectNode more) {
                merge(object, more);
            } else {
                base.set(e.getKey(), e.getValue());
            }
        }
    }

    private static Response notFound(String name) {
        return Response.status(404).type(MediaType.APPLICATION_JSON)
                .entity(ApiError.of(404, "name", "no preset '" + name + "'; known: " + Presets.names())).build();
    }
}
