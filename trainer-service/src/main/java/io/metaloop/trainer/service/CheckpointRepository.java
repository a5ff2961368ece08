package io.metaloop.trainer.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.CheckpointCodec;
import io.metaloop.learning.checkpoint.CheckpointException;
import io.metaloop.learning.checkpoint.TrainingPosition;
import io.metaloop.learning.train.CheckpointStore;
import io.metaloop.learning.train.Validation;
import io.metaloop.storage.ObjectKeys;
import io.metaloop.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Checkpoints in the object store, written per training attempt (layout in {@link ObjectKeys}).
 * Each checkpoint is its own object, written whole in one PUT; only after it is stored does the
 * attempt's {@code latest.json} point to it, so "latest" never names a half-written file — and an
 * object store that fails mid-write leaves the previous pointer in place. End-of-epoch checkpoints
 * are kept (evaluation and reports name them); a checkpoint taken inside an epoch is deleted once a
 * newer one of the same attempt is the latest.
 *
 * <p><b>Fencing.</b> Attempt N writes only under its own folder, and the experiment's latest (and
 * best) pointer is the one of the highest attempt that has one. A new attempt {@link Attempt#claim
 * claims} the job by writing its pointer first (a copy of the latest it resumes from), so from then
 * on nothing an older attempt writes is ever read; an older attempt also checks before each write
 * and stops with {@link FencedOffException} once a newer attempt has claimed the job.
 */
@ApplicationScoped
public class CheckpointRepository implements CheckpointStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectStore store;

    public CheckpointRepository(ObjectStore store) {
        this.store = store;
    }

    /** Thrown when an attempt would write after a newer attempt has claimed its experiment. */
    public static final class FencedOffException extends RuntimeException {
        FencedOffException(String message) {
            super(message);
        }
    }

    /** The checkpoints of one training attempt (its fencing epoch). */
    public Attempt attempt(String experimentId, int attempt) {
        return new Attempt(experimentId, attempt);
    }

    /** Attempt 1's {@link Attempt#save} (tests and single-attempt callers). */
    @Override
    public String save(Checkpoint checkpoint) {
        return attempt(checkpoint.experimentId(), 1).save(checkpoint);
    }

    @Override
    public void markBest(String experimentId, String key, int epochsDone, Validation.Score score) {
        attempt(experimentId, 1).markBest(experimentId, key, epochsDone, score);
    }

    @Override
    public OptionalDouble bestScore(String experimentId) {
        return bestScoreIn(ObjectKeys.bestCheckpoint(experimentId, highestAttempt(experimentId).orElse(1)));
    }

    /** The newest complete checkpoint of an experiment over all attempts; a corrupt one is an error, not a fresh start. */
    public Optional<Checkpoint> latest(String experimentId) {
        OptionalInt attempt = highestAttempt(experimentId);
        return attempt.isEmpty() ? Optional.empty() : read(ObjectKeys.latestCheckpoint(experimentId, attempt.getAsInt()));
    }

    /** The key the experiment's resolved latest pointer names (null for a claim without a checkpoint), for tests. */
    static String keyOfLatest(ObjectStore store, String experimentId) {
        CheckpointRepository repository = new CheckpointRepository(store);
        int attempt = repository.highestAttempt(experimentId).orElseThrow();
        String pointerKey = ObjectKeys.latestCheckpoint(experimentId, attempt);
        return pointedKey(pointerKey, store.require(pointerKey)).orElse(null);
    }

    /** The highest attempt that has a latest.json: the one whose pointers count. */
    OptionalInt highestAttempt(String experimentId) {
        String flat = ObjectKeys.latestCheckpoint(experimentId, 1);
        return store.list("checkpoints/" + experimentId + "/").stream()
                .filter(key -> key.equals(flat) || key.endsWith("/latest.json") && key.contains("/attempt-"))
                .mapToInt(ObjectKeys::attemptOf).max();
    }

    private Optional<Checkpoint> read(String pointerKey) {
        return store.get(pointerKey).flatMap(bytes -> {
            Optional<String> key = pointedKey(pointerKey, bytes);
            if (key.isEmpty()) {
                return Optional.empty(); // a claim made before any checkpoint existed
            }
            byte[] stored = store.get(key.get()).orElseThrow(() -> new CheckpointException(pointerKey + " names " + key.get()
                    + ", which is not in the object store"));
            try {
                return Optional.of(CheckpointCodec.decode(stored));
            } catch (CheckpointException e) {
                throw new CheckpointException(key.get() + ": " + e.getMessage(), e);
            }
        });
    }

    private OptionalDouble bestScoreIn(String bestKey) {
        return store.get(bestKey).map(bytes -> {
            try {
                JsonNode accuracy = JSON.readTree(bytes).get("accuracy");
                return accuracy != null && accuracy.isNumber() ? OptionalDouble.of(accuracy.asDouble()) : OptionalDouble.empty();
            } catch (IOException e) {
                throw new CheckpointException(bestKey + " is not valid JSON: " + e.getMessage(), e);
            }
        }).orElse(OptionalDouble.empty());
    }

    /** The checkpoint key a pointer names; empty for a claim's "no checkpoint yet" pointer. */
    private static Optional<String> pointedKey(String pointerKey, byte[] bytes) {
        try {
            JsonNode root = JSON.readTree(bytes);
            JsonNode key = root == null ? null : root.get("key");
            if (key != null && key.isNull()) {
                return Optional.empty();
            }
            if (key == null || !key.isTextual() || key.asText().isBlank()) {
                throw new CheckpointException(pointerKey + " has no field 'key' naming a checkpoint");
            }
            return Optional.of(key.asText());
        } catch (IOException e) {
            throw new CheckpointException(pointerKey + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** How long a claim waits before reading its token back (a concurrent claimer's write lands by then). */
    private static final long CLAIM_SETTLE_MILLIS = 500;

    private static String claimToken(byte[] bytes) {
        try {
            JsonNode token = JSON.readTree(bytes).get("token");
            return token == null ? "" : token.asText();
        } catch (IOException e) {
            return "";
        }
    }

    private static byte[] json(Map<String, ?> value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One attempt's view: its writes go to its own folder, each after checking it is still the newest attempt. */
    public final class Attempt implements CheckpointStore {
        private final String experimentId;
        private final int attempt;

        private Attempt(String experimentId, int attempt) {
            if (attempt < 1) {
                throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
            }
            this.experimentId = experimentId;
            this.attempt = attempt;
        }

        /**
         * Takes the experiment for this attempt: refuses if a newer attempt already has, else writes this
         * attempt's pointers as copies of the ones it resumes from (the older attempts' newest), which
         * fences every older attempt off from then on. Attempt 1 without earlier pointers writes nothing.
         *
         * @throws FencedOffException when a newer attempt has claimed the experiment
         */
        public void claim() {
            requireNewest("claim");
            claimAlone();
            OptionalInt current = highestAttempt(experimentId);
            if (attempt == 1 || current.isPresent() && current.getAsInt() == attempt) {
                return;
            }
            Map<String, Object> pointer = new LinkedHashMap<>();
            pointer.put("key", null);
            pointer.put("attempt", attempt);
            if (current.isPresent()) {
                store.get(ObjectKeys.bestCheckpoint(experimentId, current.getAsInt()))
                        .ifPresent(best -> store.put(ObjectKeys.bestCheckpoint(experimentId, attempt), best, "application/json"));
                Optional<byte[]> latest = store.get(ObjectKeys.latestCheckpoint(experimentId, current.getAsInt()));
                if (latest.isPresent()) {
                    try {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> copied = JSON.readValue(latest.get(), LinkedHashMap.class);
                        pointer = copied;
                        pointer.put("attempt", attempt);
                    } catch (IOException e) {
                        throw new CheckpointException(ObjectKeys.latestCheckpoint(experimentId, current.getAsInt())
                                + " is not valid JSON: " + e.getMessage(), e);
                    }
                }
            }
            store.put(ObjectKeys.latestCheckpoint(experimentId, attempt), json(pointer), "application/json");
        }

        /**
         * Makes sure no other worker runs this same attempt (a job the gateway had to queue again after
         * a crash between storing and sending it): the first to write {@code claim.json} in the attempt's
         * folder keeps it. S3 has no compare-and-set, so after writing its token a worker waits a moment
         * and reads it back; whoever finds another token there backs off.
         *
         * @throws FencedOffException when another worker has claimed this attempt
         */
        private void claimAlone() {
            String key = ObjectKeys.checkpointFolder(experimentId, attempt) + "claim.json";
            String token = java.util.UUID.randomUUID().toString();
            Optional<String> existing = store.get(key).map(CheckpointRepository::claimToken);
            if (existing.isPresent()) {
                throw new FencedOffException("attempt " + attempt + " of " + experimentId + " is already claimed by another"
                        + " worker (" + key + "); refusing to run it twice");
            }
            store.put(key, json(Map.of("token", token)), "application/json");
            try {
                Thread.sleep(CLAIM_SETTLE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FencedOffException("interrupted while claiming attempt " + attempt + " of " + experimentId);
            }
            String kept = store.get(key).map(CheckpointRepository::claimToken).orElse("");
            if (!kept.equals(token)) {
                throw new FencedOffException("attempt " + attempt + " of " + experimentId + " was claimed by another worker at"
                        + " the same time (" + key + "); refusing to run it twice");
            }
        }

        /** The checkpoint to resume from: the newest over this and older attempts (after {@link #claim}, this one's). */
        public Optional<Checkpoint> latest() {
            return CheckpointRepository.this.latest(experimentId);
        }

        @Override
        public String save(Checkpoint checkpoint) {
            TrainingPosition at = checkpoint.position();
            String key = at.atEpochStart() ? ObjectKeys.checkpoint(experimentId, attempt, at.epochsDone())
                    : ObjectKeys.checkpointInsideEpoch(experimentId, attempt, at.epoch(), at.batch());
            String pointerKey = ObjectKeys.latestCheckpoint(experimentId, attempt);
            requireNewest("write " + key);
            Optional<String> previous = store.get(pointerKey).flatMap(bytes -> pointedKey(pointerKey, bytes));
            store.put(key, CheckpointCodec.encode(checkpoint), "application/octet-stream");
            Map<String, Object> pointer = new LinkedHashMap<>();
            pointer.put("key", key);
            pointer.put("attempt", attempt);
            pointer.put("epoch", at.epoch());
            pointer.put("batch", at.batch());
            pointer.put("epochsDone", checkpoint.epochsDone());
            requireNewest("point latest at " + key); // the checkpoint is stored, but not named while fenced off
            store.put(pointerKey, json(pointer), "application/json");
            // only this attempt's own superseded checkpoints: an older attempt's may be what a newer one resumed from
            previous.filter(old -> !old.equals(key) && ObjectKeys.isCheckpointInsideEpoch(old)
                    && ObjectKeys.attemptOf(old) == attempt).ifPresent(store::delete);
            return key;
        }

        /**
         * The best meta-validation so far, in this attempt's {@code best.json}: the key of that epoch's
         * checkpoint (kept, like every end-of-epoch one) and its score.
         */
        @Override
        public void markBest(String id, String key, int epochsDone, Validation.Score score) {
            Map<String, Object> pointer = new LinkedHashMap<>();
            pointer.put("key", key);
            pointer.put("attempt", attempt);
            pointer.put("epochsDone", epochsDone);
            pointer.put("accuracy", score.accuracy());
            pointer.put("ci95", score.ci95());
            pointer.put("trials", score.trials());
            requireNewest("mark " + key + " best");
            store.put(ObjectKeys.bestCheckpoint(experimentId, attempt), json(pointer), "application/json");
        }

        @Override
        public OptionalDouble bestScore(String id) {
            return bestScoreIn(ObjectKeys.bestCheckpoint(experimentId, attempt)); // claim() copied the older attempts' best
        }

        /** @throws FencedOffException when an attempt newer than this one has claimed the experiment */
        private void requireNewest(String what) {
            OptionalInt newest = highestAttempt(experimentId);
            if (newest.isPresent() && newest.getAsInt() > attempt) {
                throw new FencedOffException("attempt " + attempt + " of " + experimentId + " is fenced off: attempt "
                        + newest.getAsInt() + " has taken the job; refusing to " + what);
            }
        }
    }
}
