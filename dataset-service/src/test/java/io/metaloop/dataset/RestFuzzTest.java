package io.metaloop.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaloop.localstack.ProjectLayout;
import io.metaloop.localstack.RestFuzz;
import io.metaloop.localstack.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every operation of dataset-service's OpenAPI document fed 340 malformed requests each from a
 * seeded {@link RestFuzz}: odd dataset names in the path, odd query parameters, and import bodies
 * mutated from valid ones (a missing archive, a truncated Omniglot archive, an empty directory)
 * under the right or a wrong content type, some under the bundled dataset's own name. No answer may
 * be a 5xx, every 4xx must be an {@code ApiError} naming the field, the position or the parameter
 * at fault, and the bundled dataset must be unchanged afterwards. Requests that once failed are
 * kept below as explicit regression cases.
 */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class RestFuzzTest {
    private static final int PER_OPERATION = 340;

    @TestHTTPResource("/")
    URL root;

    private RestFuzz fuzz(long seed) {
        return new RestFuzz(root.toString(), TestInfrastructure.adminToken(), seed);
    }

    private static RestFuzz.Inputs inputs() throws Exception {
        Path tmp = Files.createTempDirectory("dataset-fuzz");
        Path truncated = tmp.resolve("small2-truncated.zip");
        byte[] zip = Files.readAllBytes(ProjectLayout.locate().bundledData().resolve("omniglot/images_background_small2.zip"));
        Files.write(truncated, Arrays.copyOf(zip, zip.length / 3));
        List<byte[]> bodies = List.of(
                ("{\"format\": \"omniglot\", \"path\": \"" + truncated + "\", \"imageSize\": 28, \"rotations\": false}").getBytes(StandardCharsets.UTF_8),
                ("{\"format\": \"omniglot\", \"path\": \"" + tmp.resolve("missing.zip") + "\", \"testShare\": 0.25}").getBytes(StandardCharsets.UTF_8),
                ("{\"format\": \"fashion-mnist\", \"path\": \"" + tmp + "\", \"imageSize\": 0}").getBytes(StandardCharsets.UTF_8));
        return new RestFuzz.Inputs(Map.of("name", List.of("fashion-mnist", "fuzz-import", "fuzz-import-2")), Map.of(),
                Map.of("POST /api/v1/datasets/{name}/import", bodies));
    }

    @Test
    void everyOperationRefusesMalformedRequestsNamingTheFieldAndNeverWithA5xx() throws Exception {
        RestFuzz fuzz = fuzz(20261124L);
        List<RestFuzz.Operation> operations = fuzz.operations();
        assertTrue(operations.size() >= 3, "operations found: " + operations);
        RestFuzz.Inputs inputs = inputs();
        RestFuzz.Answer before = fuzz.send("GET", "/api/v1/datasets/fashion-mnist", null, null);
        assertEquals(200, before.status(), before.toString());
        RestFuzz.Tally tally = new RestFuzz.Tally();
        for (RestFuzz.Operation op : operations) {
            fuzz.fuzz(op, inputs, PER_OPERATION, tally);
        }
        System.out.println(tally.line("dataset-service"));
        tally.problems().forEach(p -> System.out.println("  " + p));
        assertTrue(tally.requests() >= 1_000);
        assertEquals(List.of(), tally.problems(), tally.line("dataset-service"));
        assertEquals(0, tally.serverErrors());
        assertEquals(0, tally.unnamed());
        // nothing stored is lost: the failed imports under the bundled dataset's name left it as it was
        assertEquals(before.body(), fuzz.send("GET", "/api/v1/datasets/fashion-mnist", null, null).body());
    }

    /** Requests that once got a 5xx or a 4xx without a named field, each with the field it must now be refused under. */
    @Test
    void requestsThatOnceFailedAreRefusedNamingTheirField() throws Exception {
        RestFuzz fuzz = fuzz(1);
        Path empty = Files.createTempDirectory("dataset-fuzz-empty");
        record Case(String method, String target, String contentType, String body, int status, String field) {
        }
        List<Case> cases = List.of(
                // 500: ObjectStoreException for an object key the S3 server refuses (NUL, '..', over 1 kB)
                new Case("GET", "/api/v1/datasets/a%00b", null, null, 404, "name"),
                new Case("GET", "/api/v1/datasets/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", null, null, 404, "name"),
                new Case("GET", "/api/v1/datasets/" + "x".repeat(2_000), null, null, 404, "name"),
                // 500: FileNotFoundException from the reader of a folder without the format's files
                new Case("POST", "/api/v1/datasets/fuzz-empty/import", "application/json",
                        "{\"format\": \"fashion-mnist\", \"path\": \"" + empty + "\"}", 400, "path"),
                // a bare 414 from the HTTP layer for a 10 kB name (now up to 16 kB reach the API)
                new Case("GET", "/api/v1/datasets/" + "x".repeat(10_240), null, null, 404, "name"),
                // no ApiError for a request no operation takes
                new Case("GET", "/api/v1/datasets/cifar-11", null, null, 404, "name"),
                new Case("GET", "/api/v1/datasets/a/b", null, null, 404, "path"),
                new Case("DELETE", "/api/v1/datasets", null, null, 405, "method"),
                new Case("POST", "/api/v1/datasets/x/import", "text/plain", "{}", 415, "Content-Type"));
        for (Case c : cases) {
            RestFuzz.Answer a = fuzz.send(c.method(), c.target(), c.contentType(),
                    c.body() == null ? null : c.body().getBytes(StandardCharsets.UTF_8));
            assertEquals(c.status(), a.status(), a.toString());
            assertNull(RestFuzz.problem(a, Set.of()), a.toString());
            assertEquals(c.field(), field(a), a.toString());
        }
    }

    static String field(RestFuzz.Answer a) {
        try {
            return new ObjectMapper().readTree(a.body()).path("fields").path(0).path("field").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
