package io.metaloop.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {
    @Test
    void clusterIdsAreSixteenBytesOfBase64UrlThatNeverLookLikeAnOption() {
        // one id in 64 starts with '-' before the redraw; 5,000 draws make missing the case very unlikely
        for (int i = 0; i < 5000; i++) {
            String id = KafkaBroker.clusterId();
            assertEquals(22, id.length());
            assertNotEquals('-', id.charAt(0), id);
            assertEquals(16, Base64.getUrlDecoder().decode(id).length);
        }
    }

    @Test
    void brokerPropertiesNameBothListenersAndTheDataDirectory() {
        String p = KafkaBroker.properties(java.nio.file.Path.of("/tmp/x"), 9092, 9093);
        assertTrue(p.contains("listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"));
        assertTrue(p.contains("controller.quorum.bootstrap.servers=127.0.0.1:9093"));
        assertTrue(p.contains("log.dirs=/tmp/x"));
        assertTrue(p.contains("process.roles=broker,controller"));
    }
}
