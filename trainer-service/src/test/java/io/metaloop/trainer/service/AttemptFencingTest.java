package io.metaloop.trainer.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.TrainingPosition;
import io.metaloop.learning.method.Supervised;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.localstack.LocalStack;
import io.metaloop.localstack.S3Server;
import io.metaloop.localstack.TestInfrastructure;
import io.metaloop.storage.ObjectStore;
import io.metaloop.storage.ObjectStoreConfig;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fencing of training attempts in the real S3 server: once attempt 2 has claimed an experiment,
 * attempt 1 (a paused worker that woke up) can neither store a checkpoint, nor move "latest", nor
 * mark a best one; attempt 2 resumes from exactly what attempt 1 had stored.
 */
class AttemptFencingTest {
    private static final ModelSpec MODEL = new ModelSpec("conv4", 1, 28, 28, 10);
    private static ObjectStore store;

    @BeforeAll
    static void setUp() {
        LocalStack stack = TestInfrastructure.shared();
        store = new ObjectStore(new ObjectStoreConfig(stack.s3Endpoint(), S3Server.ACCESS_KEY, S3Server.SECRET_KEY,
                LocalStack.BUCKET));
        store.ensureBucket();
    }

    private static Checkpoint at(Supervised method, String id, int epoch, long batch) {
        return method.checkpoint(id, new TrainingPosition(epoch, batch));
    }

    @Test
    void aClaimedExperimentRefusesTheOlderAttemptsWrites() {
        String id = "fence-" + UUID.randomUUID().toString().substring(0, 8);
        CheckpointRepository repository = new CheckpointRepository(store);
        Supervised model = new Supervised(MODEL, 0.005, 1);
        CheckpointRepository.Attempt first = repository.attempt(id, 1);
        first.claim();
        String stored = first.save(at(model, id, 0, 5));
        assertEquals("checkpoints/" + id + "/epoch-0000-batch-0000005.ckpt", stored);

        CheckpointRepository.Attempt second = repository.attempt(id, 2);
        second.claim();
        assertEquals(new TrainingPosition(0, 5), second.latest().orElseThrow().position(), "resumes from attempt 1's checkpoint");
        byte[] firstPointer = store.require("checkpoints/" + id + "/latest.json");

        // attempt 1 wakes up: every write is refused, and nothing it could name is read
        CheckpointRepository.FencedOffException e = assertThrows(CheckpointRepository.FencedOffException.class,
                () -> first.save(at(model, id, 0, 9)));
        assertEquals("attempt 1 of " + id + " is fenced off: attempt 2 has taken the job; refusing to write checkpoints/"
                + id + "/epoch-0000-batch-0000009.ckpt", e.getMessage());
        assertThrows(CheckpointRepository.FencedOffException.class, () -> first.claim());
        assertFalse(store.exists("checkpoints/" + id + "/epoch-0000-batch-0000009.ckpt"));
        assertArrayEquals(firstPointer, store.require("checkpoints/" + id + "/latest.json"), "attempt 1's pointer untouched");

        // attempt 2 goes on under its own folder, and only it is "latest"
        String next = second.save(at(model, id, 0, 12));
        assertEquals("checkpoints/" + id + "/attempt-2/epoch-0000-batch-0000012.ckpt", next);
        assertEquals(new TrainingPosition(0, 12), repository.latest(id).orElseThrow().position());
        assertTrue(store.exists(stored), "attempt 1's checkpoint is not attempt 2's to delete");
        second.save(at(model, id, 1, 0));
        assertFalse(store.exists(next), "attempt 2 drops its own superseded checkpoint inside the epoch");
        assertEquals("checkpoints/" + id + "/attempt-2/epoch-0001.ckpt", CheckpointRepository.keyOfLatest(store, id));
    }

    @Test
    void anAttemptThatFindsNoCheckpointStartsFromScratchAndStillFencesTheOlderOne() {
        String id = "fence-" + UUID.randomUUID().toString().substring(0, 8);
        CheckpointRepository repository = new CheckpointRepository(store);
        CheckpointRepository.Attempt first = repository.attempt(id, 1);
        first.claim();
        CheckpointRepository.Attempt third = repository.attempt(id, 3);
        third.claim();
        assertTrue(third.latest().isEmpty(), "no checkpoint yet: a fresh start");
        assertThrows(CheckpointRepository.FencedOffException.class,
                () -> first.save(at(new Supervised(MODEL, 0.005, 1), id, 0, 1)));
        assertThrows(CheckpointRepository.FencedOffException.class, () -> repository.attempt(id, 2).claim(),
                "an attempt older than the newest claim cannot take the job either");
    }
}
