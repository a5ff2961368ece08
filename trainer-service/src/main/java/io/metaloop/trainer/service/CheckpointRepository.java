package io.metaloop.trainer.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.CheckpointCodec;
import io.metaloop.learning.checkpoint.CheckpointException;
import io.metaloop.learning.checkpoint.TrainingPosition;
import io.metaloop.learning.train.CheckpointStore;
import io.metaloop.storage.ObjectKeys;
import io.metaloop.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checkpoints in the object store. Each checkpoint is its own object, written whole in one PUT;
 * only after it is stored does {@code latest.json} point to it, so "latest" never names a
 * half-written file. End-of-epoch checkpoints are kept (evaluation and reports name them); a
 * checkpoint taken inside an epoch is deleted once a newer one is the latest.
 */
@ApplicationScoped
public class CheckpointRepository implements CheckpointStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectStore store;

    public CheckpointRepository(ObjectStore store) {
        this.store = store;
    }

    static String keyOf(Checkpoint checkpoint) {
        TrainingPosition at = checkpoint.position();
        return at.atEpochStart() ? ObjectKeys.checkpoint(checkpoint.experimentId(), at.epochsDone())
                : ObjectKeys.checkpointInsideEpoch(checkpoint.experimentId(), at.epoch(), at.batch());
    }

    @Override
    public String save(Checkpoint checkpoint) {
        String key = keyOf(checkpoint);
        String pointerKey = ObjectKeys.latestCheckpoint(checkpoint.experimentId());
        Optional<String> previous = store.get(pointerKey).map(bytes -> pointedKey(pointerKey, bytes));
        store.put(key, CheckpointCodec.encode(checkpoint), "application/octet-stream");
        Map<String, Object> pointer = new LinkedHashMap<>();
        pointer.put("key", key);
        pointer.put("epoch", checkpoint.position().epoch());
        pointer.put("batch", checkpoint.position().batch());
        pointer.put("epochsDone", checkpoint.epochsDone());
        try {
            store.put(pointerKey, JSON.writeValueAsBytes(pointer), "application/json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        previous.filter(old -> !old.equals(key) && ObjectKeys.isCheckpointInsideEpoch(old)).ifPresent(store::delete);
        return key;
    }

    /**
     * The best meta-validation so far is recorded in {@code best.json} beside {@code latest.json}:
     * the key of that epoch's checkpoint (kept, like every end-of-epoch one) and its score.
     */
    @Override
    public void markBest(String experimentId, String key, int epochsDone, io.metaloop.learning.train.Validation.Score score) {
        Map<String, Object> pointer = new LinkedHashMap<>();
        pointer.put("key", key);
        pointer.put("epochsDone", epochsDone);
        pointer.put("accuracy", score.accuracy());
        pointer.put("ci95", score.ci95());
        pointer.put("trials", score.trials());
        try {
            store.put(ObjectKeys.bestCheckpoint(experimentId), JSON.writeValueAsBytes(pointer), "application/json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The score in {@code best.json}, if the experiment has one. */
    @Override
    public java.util.OptionalDouble bestScore(String experimentId) {
        return store.get(ObjectKeys.bestCheckpoint(experimentId)).map(bytes -> {
            try {
                JsonNode accuracy = JSON.readTree(bytes).get("accuracy");
                return accuracy != null && accuracy.isNumber() ? java.util.OptionalDouble.of(accuracy.asDouble())
                        : java.util.OptionalDouble.empty();
            } catch (IOException e) {
                throw new CheckpointException(ObjectKeys.bestCheckpoint(experimentId) + " is not valid JSON: " + e.getMessage(), e);
            }
        }).orElse(java.util.OptionalDouble.empty());
    }

    /** The newest complete checkpoint of an experiment, to resume from; a corrupt one is an error, not a fresh start. */
    public Optional<Checkpoint> latest(String experimentId) {
        String pointerKey = ObjectKeys.latestCheckpoint(experimentId);
        return store.get(pointerKey).map(bytes -> {
            String key = pointedKey(pointerKey, bytes);
            byte[] stored = store.get(key).orElseThrow(() -> new CheckpointException(pointerKey + " names " + key
                    + ", which is not in the object store"));
            try {
                return CheckpointCodec.decode(stored);
            } catch (CheckpointException e) {
                throw new CheckpointException(key + ": " + e.getMessage(), e);
            }
        });
    }

    private static String pointedKey(String pointerKey, byte[] bytes) {
        try {
            JsonNode key = JSON.readTree(bytes).get("key");
            if (key == null || !key.isTextual() || key.asText().isBlank()) {
                throw new CheckpointException(pointerKey + " has no field 'key' naming a checkpoint");
            }
            return key.asText();
        } catch (IOException e) {
            throw new CheckpointException(pointerKey + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
