package io.metaloop.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When a waiting reader counts as silent (and so asks again, or gives up). */
class PullStreamSilenceTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void aLongTrainingStepBeforeTheWaitIsNotSilence() {
        // last frame 40 s ago, the caller trained for 40 s, and has now waited 0.1 s: not 15 s overdue
        long now = 100 * SECOND;
        long lastArrival = 60 * SECOND;
        long waitStart = now - SECOND / 10;
        assertEquals(SECOND / 10, PullStream.silentFor(now, waitStart, lastArrival));
    }

    @Test
    void silenceRunsFromTheLastArrivalOrResendDuringTheWait() {
        long waitStart = 10 * SECOND;
        assertEquals(20 * SECOND, PullStream.silentFor(30 * SECOND, waitStart, 0));
        assertEquals(5 * SECOND, PullStream.silentFor(30 * SECOND, waitStart, 25 * SECOND));
    }
}
