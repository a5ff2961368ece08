package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;

/**
 * A pull for batches {@code [fromBatch, toBatch)} of one epoch, on {@link Topics#BATCH_REQUESTS}.
 * dataset-service answers with one frame per batch on {@link Topics#batches(String)} of
 * {@code streamId}. The epoch's order is a function of (seed, epoch) alone, so any replica
 * produces the same batches; the consumer bounds its prefetch by how far ahead it asks.
 *
 * @param shuffle  false gives the split's stored order (evaluation)
 * @param dropLast true leaves out a final batch smaller than {@code batchSize} (training)
 * @param augment  augmentations and views applied on the data side; absent or null for none
 */
public record BatchRequest(String streamId, String dataset, String split, long seed, int epoch, int batchSize,
                           boolean shuffle, boolean dropLast, long fromBatch, long toBatch,
                           @JacksonInject(value = Json.ABSENT + "augment", useInput = OptBoolean.TRUE) Augmentation augment) {
    public BatchRequest {
        augment = augment == null ? Augmentation.NONE : augment;
        Messages.require("streamId", streamId);
        Messages.require("dataset", dataset);
        Messages.require("split", split);
        Topics.checkStreamId("streamId", streamId);
        if (batchSize < 1 || batchSize > ExperimentSpec.MAX_BATCH_SIZE) {
            throw new InvalidMessageException("batchSize", "must be between 1 and " + ExperimentSpec.MAX_BATCH_SIZE);
        }
        if ((long) batchSize * augment.views() > ExperimentSpec.MAX_BATCH_SIZE) {
            throw new InvalidMessageException("augment.views", "batchSize × views = " + (long) batchSize * augment.views()
                    + " images per batch; at most " + ExperimentSpec.MAX_BATCH_SIZE);
        }
        if (epoch < 0) {
            throw new InvalidMessageException("epoch", "must be >= 0, got " + epoch);
        }
        if (fromBatch < 0 || toBatch < fromBatch) {
            throw new InvalidMessageException("toBatch", "need 0 <= fromBatch <= toBatch, got [" + fromBatch + ", " + toBatch + ")");
        }
    }
}
