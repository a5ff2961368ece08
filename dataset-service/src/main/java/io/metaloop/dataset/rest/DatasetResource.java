package io.metaloop.dataset.rest;

import io.metaloop.contracts.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.metaloop.contracts.ApiError;
import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.FieldError;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.Json;
import io.metaloop.dataset.config.DatasetServiceConfig;
import io.metaloop.dataset.service.DatasetCatalog;
import io.metaloop.dataset.service.ImportRoots;
import io.metaloop.datasets.DatasetFormats;
import io.metaloop.datasets.ReadOptions;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/datasets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "datasets")
public class DatasetResource {
    /** What a dataset may be called: the import's check, and what the object store's keys are built from. */
    private static final String NAME = "[a-z0-9][a-z0-9-]{0,63}";

    private final DatasetCatalog catalog;
    private final ImportRoots importRoots;
    private final long maxInflatedBytes;

    public DatasetResource(DatasetCatalog catalog, ImportRoots importRoots, DatasetServiceConfig config) {
        this.catalog = catalog;
        this.importRoots = importRoots;
        this.maxInflatedBytes = config.maxInflatedBytes();
    }

    @RolesAllowed({Roles.READER, Roles.SUBMITTER, Roles.ADMIN})
    @GET
    @Operation(summary = "List the datasets in the catalogue")
    public List<DatasetInfo> list() {
        return catalog.list();
    }

    @RolesAllowed({Roles.READER, Roles.SUBMITTER, Roles.ADMIN})
    @GET
    @Path("/{name}")
    @Operation(summary = "One dataset: image shape, label levels with their classes (the hierarchy), split sizes")
    public Response get(@PathParam("name") String name) {
        if (!name.matches(NAME)) {
            // not a name any import accepts: nothing to look up (and no object key to build from it)
            return Response.status(404).entity(ApiError.of(404, "name", "no dataset '" + shown(name) + "': dataset names are "
                    + "1 to 64 lower-case letters, digits and '-'")).build();
        }
        return catalog.manifest(name)
                .map(m -> Response.ok(m.info()).build())
                .orElseGet(() -> Response.status(404).entity(ApiError.of(404, "name", "unknown dataset '" + name + "'; known: "
                        + catalog.list().stream().map(DatasetInfo::name).toList())).build());
    }

    /**
     * Body of an import: a dataset format, the archive or directory on the dataset-service host, and
     * the format's options (see ReadOptions). {@code hierarchyFile} and {@code classSplits} are files on
     * the dataset-service host: a label hierarchy (LabelHierarchy) and a JSON file assigning classes to
     * splits by name prefix (ClassSplits). {@code testShare}, a fraction in (0, 1), divides every class's
     * images between splits train and test instead (TestShareSplits); not with {@code classSplits}.
     */
    public record ImportRequest(String format, String path, Integer imageSize, Boolean rotations, String splitFiles,
                                String hierarchyFile, String classSplits, Double testShare) {
        ReadOptions options() {
            ReadOptions o = ReadOptions.DEFAULTS.withImageSize(imageSize == null ? 0 : imageSize)
                    .withRotations(Boolean.TRUE.equals(rotations));
            if (splitFiles != null) {
                o = o.withSplitFiles(java.nio.file.Path.of(splitFiles));
            }
            if (hierarchyFile != null) {
                o = o.withHierarchyFile(java.nio.file.Path.of(hierarchyFile));
            }
            if (classSplits != null) {
                o = o.withClassSplits(java.nio.file.Path.of(classSplits));
            }
            if (testShare != null) {
                o = o.withTestShare(testShare);
            }
            return o;
        }
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/{name}/import")
    @Operation(summary = "Import a dataset from files on the dataset-service host into canonical shards")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response importDataset(@PathParam("name") String name, byte[] json) {
        ImportRequest body = Json.readStrict(json, ImportRequest.class);
        List<FieldError> errors = new ArrayList<>();
        if (!name.matches(NAME)) {
            errors.add(new FieldError("name", "must be lower-case letters, digits and '-'"));
        }
        if (body.format() == null) {
            errors.add(new FieldError("format", "is required; known: " + DatasetFormats.names()));
        }
        if (body.path() == null) {
            errors.add(new FieldError("path", "is required"));
        } else {
            importRoots.check("path", body.path()).ifPresent(errors::add);
        }
        for (String[] file : new String[][] {{"splitFiles", body.splitFiles()}, {"hierarchyFile", body.hierarchyFile()},
                {"classSplits", body.classSplits()}}) {
            if (file[1] != null) {
                importRoots.check(file[0], file[1]).ifPresent(errors::add);
            }
        }
        if (body.imageSize() != null && (body.imageSize() < 0 || body.imageSize() > 1024)) {
            errors.add(new FieldError("imageSize", "must be between 0 (native size) and 1024, got " + body.imageSize()));
        }
        if (errors.isEmpty() && body.classSplits() != null && !java.nio.file.Files.isRegularFile(java.nio.file.Path.of(body.classSplits()))) {
            errors.add(new FieldError("classSplits", "no file " + body.classSplits() + " on the dataset-service host"));
        }
        if (body.testShare() != null && !(body.testShare() > 0 && body.testShare() < 1)) {
            errors.add(new FieldError("testShare", "must be a fraction strictly between 0 and 1 (the share of each"
                    + " class's images put in split 'test', e.g. 0.25), got " + body.testShare()));
        } else if (body.testShare() != null && body.classSplits() != null) {
            errors.add(new FieldError("testShare", "cannot be combined with classSplits: classSplits puts each class"
                    + " in one split, testShare divides every class's images between 'train' and 'test'; give one of them"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidMessageException(errors);
        }
        DatasetInfo info;
        try {
            info = catalog.importDataset(name, body.format(), java.nio.file.Path.of(body.path()),
                    body.options().withMaxInflatedBytes(maxInflatedBytes));
        } catch (IOException e) {
            // a file the request names is missing or unreadable (e.g. no train-labels-idx1-ubyte in the folder)
            throw new InvalidMessageException(fileField(body, String.valueOf(e.getMessage())), "cannot be read as a '"
                    + body.format() + "' dataset: " + e.getMessage());
        }
        return Response.status(201).entity(info).build();
    }

    /** The request's file field a read failure's message names, {@code path} when it names no other. */
    private static String fileField(ImportRequest body, String message) {
        for (String[] file : new String[][] {{"splitFiles", body.splitFiles()}, {"hierarchyFile", body.hierarchyFile()},
                {"classSplits", body.classSplits()}}) {
            if (file[1] != null && message.contains(file[1])) {
                return file[0];
            }
        }
        return "path";
    }

    private static String shown(String value) {
        return value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }
}
