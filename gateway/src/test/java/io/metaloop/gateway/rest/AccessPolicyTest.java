package io.metaloop.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.Roles;
import io.metaloop.localstack.AccessWalk;
import io.metaloop.localstack.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every operation of gateway's OpenAPI document, called with no token, a forged token and a
 * reader's, a submitter's and an admin's token: 401, 403 or admitted exactly as the policy says
 * (reads for every role, submissions (experiments, presets, evaluations, task uploads) for submitter and admin).
 */
@QuarkusTest
@QuarkusTestResource(TaskApiTest.Infrastructure.class)
class AccessPolicyTest {
    @TestHTTPResource("/")
    URL root;

    @Test
    void everyOperationAnswersEachCallerAsThePolicySays() {
        String base = root.toString().replaceAll("/$", "");
        List<AccessWalk.Operation> operations = AccessWalk.operations(base);
        assertTrue(operations.size() == 13, "operations found: " + operations);
        List<AccessWalk.Outcome> outcomes = AccessWalk.walk(base, operations, TestInfrastructure.tokenTestCallers(),
                (method, path) -> method.equals("GET") ? Set.of(Roles.READER, Roles.SUBMITTER, Roles.ADMIN) : Set.of(Roles.SUBMITTER, Roles.ADMIN));
        assertEquals(operations.size() * 5, outcomes.size());
        List<AccessWalk.Outcome> wrong = outcomes.stream().filter(o -> !o.expected()).toList();
        assertEquals(List.of(), wrong, "answers against the policy");
    }
}
