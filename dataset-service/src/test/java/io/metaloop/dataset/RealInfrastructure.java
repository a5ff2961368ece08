package io.metaloop.dataset;

import io.metaloop.localstack.ProjectLayout;
import io.metaloop.localstack.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/** Points the service under test at a real Kafka broker and S3 server, and at the bundled data. */
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
        config.put("metaloop.datasets.bundled-dir", ProjectLayout.locate().bundledData().toString());
        config.put("metaloop.datasets.import-roots", System.getProperty("java.io.tmpdir") + ","
                + ProjectLayout.locate().bundledData());
        return config;
    }

    @Override
    public void stop() {
        // the servers live as long as the test JVM: other test classes reuse them
    }
}
