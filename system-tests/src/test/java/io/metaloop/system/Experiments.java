package io.metaloop.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.Json;
import io.metaloop.localstack.LocalStack;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** Following experiments through a running stack's gateway, for the system tests. */
final class Experiments {
    private Experiments() {
    }

    /**
     * Polls the experiment until {@code condition} holds; fails when a part of the stack died or
     * the time is up, with the last record seen.
     */
    static ExperimentRecord await(LocalStack stack, String gateway, String id, Predicate<ExperimentRecord> condition,
                                  Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ExperimentRecord last = null;
        while (System.nanoTime() < deadline) {
            stack.deadPart().ifPresent(d -> {
                throw new AssertionError(d);
            });
            HttpResponse<String> r = Http.get(gateway + "/api/v1/experiments/" + id);
            assertEquals(200, r.statusCode(), r.body());
            last = Json.read(r.body(), ExperimentRecord.class);
            if (condition.test(last)) {
                return last;
            }
            sleep(500);
        }
        throw new AssertionError("experiment " + id + " did not get there in " + timeout + "; last: " + last);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
