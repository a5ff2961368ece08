package io.metaloop.trainer.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.CheckpointCodec;
import io.metaloop.learning.train.CheckpointStore;
import io.metaloop.storage.ObjectKeys;
import io.metaloop.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * Checkpoints in the object store. Each checkpoint is its own object, written whole in one PUT;
 * only after it is stored does {@code latest.json} point to it, so "latest" is never a
 * half-written file.
 */
@ApplicationScoped
public class CheckpointRepository implements CheckpointStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectStore store;

    public CheckpointRepository(ObjectStore store) {
        this.store = store;
    }

    @Override
    public String save(Checkpoint checkpoint) {
        String key = ObjectKeys.checkpoint(checkpoint.experimentId(), checkpoint.epochsDone());
        store.put(key, CheckpointCodec.encode(checkpoint), "application/octet-stream");
        try {
            byte[] pointer = JSON.writeValueAsBytes(Map.of("key", key, "epochsDone", checkpoint.epochsDone()));
            store.put(ObjectKeys.latestCheckpoint(checkpoint.experimentId()), pointer, "application/json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return key;
    }

    /** The newest complete checkpoint of an experiment, to resume from. */
    public Optional<Checkpoint> latest(String experimentId) {
        return store.get(ObjectKeys.latestCheckpoint(experimentId)).map(bytes -> {
            try {
                JsonNode pointer = JSON.readTree(bytes);
                return CheckpointCodec.decode(store.require(pointer.path("key").asText()));
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable " + ObjectKeys.latestCheckpoint(experimentId), e);
            }
        });
    }
}
