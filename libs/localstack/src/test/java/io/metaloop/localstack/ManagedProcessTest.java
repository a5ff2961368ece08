package io.metaloop.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedProcessTest {
    @TempDir
    Path dir;

    @Test
    void aPartThatDiesWhileStartingIsReportedWithItsExitCodeAndLogTail() {
        ManagedProcess p = ManagedProcess.start("broken", List.of("sh", "-c", "echo 'port already in use'; exit 3"),
                Map.of(), dir, dir.resolve("broken.log"));
        StackException e = assertThrows(StackException.class,
                () -> p.awaitReady("ready", Duration.ofSeconds(20), () -> false));
        assertTrue(e.getMessage().contains("broken died before ready (exit code 3)"), e.getMessage());
        assertTrue(e.getMessage().contains("port already in use"), e.getMessage());
    }

    @Test
    void aPartThatNeverGetsReadyTimesOutInsteadOfHanging() {
        ManagedProcess p = ManagedProcess.start("slow", List.of("sleep", "30"), Map.of(), dir, dir.resolve("slow.log"));
        try {
            StackException e = assertThrows(StackException.class,
                    () -> p.awaitReady("ready", Duration.ofMillis(600), () -> false));
            assertTrue(e.getMessage().contains("did not become ready within"), e.getMessage());
        } finally {
            p.stop(5000);
        }
        assertFalse(p.isAlive());
    }

    @Test
    void onlyProcessesCarryingTheRunMarkerAreReattached() throws Exception {
        String marker = "-Dmetaloop.run=" + dir;
        ManagedProcess ours = ManagedProcess.start("ours", List.of("sh", "-c", "sleep 30", marker), Map.of(), dir,
                dir.resolve("ours.log"));
        ManagedProcess other = ManagedProcess.start("other", List.of("sleep", "30"), Map.of(), dir, dir.resolve("other.log"));
        try {
            assertTrue(ManagedProcess.attach("ours", ours.pid(), ours.log(), marker).isPresent());
            assertTrue(ManagedProcess.attach("other", other.pid(), other.log(), marker).isEmpty(),
                    "a pid without this run's marker must never be signalled");
        } finally {
            ours.stop(5000);
            other.stop(5000);
        }
    }

    @Test
    void stopRecordedStopsExactlyTheRecordedProcesses() throws Exception {
        String marker = "-Dmetaloop.run=" + dir.toAbsolutePath().normalize();
        ManagedProcess recorded = ManagedProcess.start("gateway", List.of("sh", "-c", "sleep 30", marker), Map.of(), dir,
                dir.resolve("gateway.log"));
        ManagedProcess bystander = ManagedProcess.start("bystander", List.of("sh", "-c", "sleep 30", marker), Map.of(), dir,
                dir.resolve("bystander.log"));
        try {
            new StackState(dir.toString(), marker, "127.0.0.1:1", "http://127.0.0.1:2",
                    List.of(new StackState.Part("gateway", recorded.pid(), 8080, recorded.log().toString(), null))).write();
            assertEquals(List.of("gateway"), LocalStack.stopRecorded(dir));
            assertFalse(recorded.isAlive());
            assertTrue(bystander.isAlive(), "an unrecorded process is left alone");
            assertFalse(Files.exists(StackState.file(dir)));
        } finally {
            bystander.stop(5000);
        }
    }

    @Test
    void logTailKeepsTheLastLines() throws Exception {
        Path log = dir.resolve("x.log");
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            text.append("line ").append(i).append('\n');
        }
        Files.writeString(log, text);
        assertEquals("line 98\nline 99\nline 100", ManagedProcess.tail(log, 3));
    }
}
