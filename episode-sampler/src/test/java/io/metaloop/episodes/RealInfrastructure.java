package io.metaloop.episodes;

import io.metaloop.localstack.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/** Points the service under test at a real Kafka broker and S3 server. */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(TestInfrastructure.serviceConfig());
        // every REST call of these tests is the local user's (all roles); the token tests call without it
        String token = TestInfrastructure.adminToken();
        io.restassured.RestAssured.replaceFiltersWith((request, response, context) -> {
            if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", "Bearer " + token);
            }
            return context.next(request, response);
        });
        return config;
    }

    @Override
    public void stop() {
        // the servers live as long as the test JVM: other test classes reuse them
    }
}
