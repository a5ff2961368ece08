package io.metaloop.episodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.localstack.ProjectLayout;
import io.metaloop.localstack.RestFuzz;
import io.metaloop.localstack.TestInfrastructure;
import io.metaloop.storage.DatasetStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every operation of episode-sampler's OpenAPI document (today the protocol query) fed 1,000
 * malformed requests from a seeded {@link RestFuzz}: each query parameter in turn missing, repeated,
 * not a number, too large, negative, NUL, invalid UTF-8 or 10 kB long, beside valid values for the
 * bundled Omniglot background set. No answer may be a 5xx, and every 4xx must be an
 * {@code ApiError} naming the parameter at fault. Requests that once failed are kept below as
 * explicit regression cases.
 */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class RestFuzzTest {
    private static final String DATASET = "omniglot-test";
    private static final int REQUESTS = 1_000;

    @TestHTTPResource("/")
    URL root;

    @Inject
    DatasetStore datasets;

    private RestFuzz fuzz(long seed) throws Exception {
        if (datasets.manifest(DATASET).isEmpty()) {
            datasets.importDataset(DATASET, "omniglot",
                    ProjectLayout.locate().bundledData().resolve("omniglot/images_background_small1.zip"),
                    ReadOptions.DEFAULTS.withImageSize(28).withRotations(true), 10_000);
        }
        return new RestFuzz(root.toString(), TestInfrastructure.adminToken(), seed);
    }

    @Test
    void everyOperationRefusesMalformedRequestsNamingTheParameterAndNeverWithA5xx() throws Exception {
        RestFuzz fuzz = fuzz(20261125L);
        List<RestFuzz.Operation> operations = fuzz.operations();
        assertTrue(operations.size() >= 1, "operations found: " + operations);
        RestFuzz.Inputs inputs = new RestFuzz.Inputs(Map.of(), Map.of(
                "dataset", List.of(DATASET), "split", List.of("all"), "ways", List.of("5", "2", "20"),
                "shots", List.of("1", "5"), "queries", List.of("1", "15"), "trials", List.of("10", "100"),
                "seed", List.of("0", "7", "-3")), Map.of());
        RestFuzz.Tally tally = new RestFuzz.Tally();
        for (RestFuzz.Operation op : operations) {
            fuzz.fuzz(op, inputs, (REQUESTS + operations.size() - 1) / operations.size(), tally);
        }
        System.out.println(tally.line("episode-sampler"));
        tally.problems().forEach(p -> System.out.println("  " + p));
        assertTrue(tally.requests() >= 1_000);
        assertEquals(List.of(), tally.problems(), tally.line("episode-sampler"));
        assertEquals(0, tally.serverErrors());
        assertEquals(0, tally.unnamed());
    }

    /** Requests that once got a 5xx or a 4xx without a named field, each with the field it must now be refused under. */
    @Test
    void requestsThatOnceFailedAreRefusedNamingTheirField() throws Exception {
        RestFuzz fuzz = fuzz(1);
        String valid = "dataset=" + DATASET + "&split=all&ways=5&shots=1&queries=1&trials=10";
        record Case(String method, String target, int status, String field) {
        }
        List<Case> cases = List.of(
                // a bare 404: JAX-RS could not convert the query parameter to an Integer or Long
                new Case("GET", "/api/v1/protocols?" + valid.replace("ways=5", "ways=abc"), 400, "ways"),
                new Case("GET", "/api/v1/protocols?" + valid.replace("trials=10", "trials=2147483648"), 400, "trials"),
                new Case("GET", "/api/v1/protocols?" + valid + "&seed=1.5", 400, "seed"),
                // 500: ObjectStoreException for an object key the S3 server refuses
                new Case("GET", "/api/v1/protocols?" + valid.replace(DATASET, "a%00b"), 400, "dataset"),
                new Case("GET", "/api/v1/protocols?" + valid.replace(DATASET, "..%2F..%2Fx"), 400, "dataset"),
                // an unknown dataset or split without the field
                new Case("GET", "/api/v1/protocols?" + valid.replace(DATASET, "cifar-11"), 404, "dataset"),
                new Case("GET", "/api/v1/protocols?" + valid.replace("split=all", "split=val"), 404, "split"),
                // no ApiError for a request no operation takes
                new Case("POST", "/api/v1/protocols", 405, "method"),
                new Case("GET", "/api/v1/protocols/x", 404, "path"));
        for (Case c : cases) {
            RestFuzz.Answer a = fuzz.send(c.method(), c.target(), null, null);
            assertEquals(c.status(), a.status(), a.toString());
            assertNull(RestFuzz.problem(a, Set.of()), a.toString());
            assertEquals(c.field(), new ObjectMapper().readTree(a.body()).path("fields").path(0).path("field").asText(),
                    a.toString());
        }
    }
}
