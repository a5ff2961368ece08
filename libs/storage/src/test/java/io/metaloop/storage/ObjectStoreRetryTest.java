package io.metaloop.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retries of object-store calls against a scripted HTTP server (a fake, in a unit test): transient
 * answers (503, SlowDown, a store that is not there) are retried with back-off; a client error
 * (403) is not; a call that never succeeds names the operation, the key and the number of tries.
 */
class ObjectStoreRetryTest {
    private static final ObjectStore.Retry FAST = new ObjectStore.Retry(4, Duration.ofMillis(10), Duration.ofMillis(40));
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    /** Answers GETs with the given statuses in turn (the last one repeats); 200 carries "hello". */
    private ObjectStore storeAnswering(int... statuses) throws IOException {
        List<Integer> script = new ArrayList<>();
        for (int s : statuses) {
            script.add(s);
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            int n = requests.getAndIncrement();
            int status = script.get(Math.min(n, script.size() - 1));
            byte[] body = status == 200 ? "hello".getBytes(StandardCharsets.UTF_8)
                    : ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + (status == 503 ? "SlowDown" : "AccessDenied")
                    + "</Code><Message>scripted</Message><Resource>/b/k</Resource><RequestId>1</RequestId></Error>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", status == 200 ? "application/octet-stream" : "application/xml");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return new ObjectStore(new ObjectStoreConfig("http://127.0.0.1:" + server.getAddress().getPort(), "k", "s", "bucket"), FAST);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aBusyStoreIsRetriedUntilItAnswers() throws IOException {
        ObjectStore store = storeAnswering(503, 503, 200);
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), store.get("k").orElseThrow());
        assertEquals(3, requests.get());
    }

    @Test
    void aClientErrorIsNotRetried() throws IOException {
        ObjectStore store = storeAnswering(403);
        ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> store.get("k"));
        assertEquals(1, requests.get());
        assertTrue(e.getMessage().startsWith("get k in bucket bucket failed: "), e.getMessage());
    }

    @Test
    void aStoreThatStaysBusyFailsAfterTheLastTryNamingIt() throws IOException {
        ObjectStore store = storeAnswering(503);
        ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> store.put("k", new byte[] {1}, "x/y"));
        assertEquals(4, requests.get());
        assertTrue(e.getMessage().startsWith("put k in bucket bucket failed after 4 tries: "), e.getMessage());
    }

    @Test
    void anUnreachableStoreIsRetriedWithBackOff() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ObjectStore store = new ObjectStore(new ObjectStoreConfig("http://127.0.0.1:" + closedPort, "k", "s", "bucket"), FAST);
        long start = System.nanoTime();
        ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> store.exists("k"));
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("failed after 4 tries"), e.getMessage());
        assertTrue(waitedMillis >= 10 + 20 + 40, "backed off 10, 20, 40 ms between the tries, waited " + waitedMillis + " ms");
    }
}
