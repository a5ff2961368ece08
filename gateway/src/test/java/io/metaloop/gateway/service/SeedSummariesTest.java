package io.metaloop.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.EvalResult;
import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.SeedSummary;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedSummariesTest {
    private static ExperimentRecord evaluated(String id, long seed, String method, long correct) {
        ExperimentSpec spec = Json.read("""
                {"method": "%s", "dataset": "fashion-mnist", "backbone": "conv4", "epochs": 1, "batchSize": 64, "seed": %d}"""
                .formatted(method, seed), ExperimentSpec.class);
        ExperimentRecord queued = ExperimentRecord.queued(id, spec, Instant.EPOCH);
        return queued.apply(new EvalResult(id, "fashion-mnist", "test", "k", 1000, correct, correct / 1000.0, 1, "w",
                Instant.EPOCH));
    }

    @Test
    void meanStdAndTheStudentTIntervalOverThreeSeeds() {
        // accuracies 0.60, 0.62, 0.64: mean 0.62, std 0.02, t(0.975, 2) = 4.302653, half-width 4.302653 · 0.02 / √3
        SeedSummary s = SeedSummaries.of(List.of(evaluated("a", 1, "simclr", 600), evaluated("b", 2, "simclr", 620),
                evaluated("c", 3, "simclr", 640)));
        assertEquals(3, s.n());
        assertEquals(List.of(1L, 2L, 3L), s.seeds());
        assertEquals(0.62, s.mean(), 1e-12);
        assertEquals(0.02, s.std(), 1e-12);
        assertEquals(4.302653 * 0.02 / Math.sqrt(3), s.ci95T(), 1e-7);
    }

    @Test
    void experimentsThatDifferInMoreThanTheSeedAreRefusedNamingTheField() {
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> SeedSummaries.of(List.of(
                evaluated("a", 1, "simclr", 600), evaluated("b", 2, "rotation", 620))));
        assertEquals("ids", e.errors().get(0).field());
        assertTrue(e.errors().get(0).message().contains("'"), e.getMessage());
        assertThrows(InvalidMessageException.class, () -> SeedSummaries.of(List.of(evaluated("a", 1, "simclr", 600),
                evaluated("b", 1, "simclr", 620))));
        assertThrows(InvalidMessageException.class, () -> SeedSummaries.of(List.of(evaluated("a", 1, "simclr", 600))));
    }
}
