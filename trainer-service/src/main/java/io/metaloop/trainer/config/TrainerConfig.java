package io.metaloop.trainer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "metaloop.trainer")
public interface TrainerConfig {
    /** Batches requested ahead of the one being trained on: bounds memory and hides the data path's latency. */
    @WithDefault("16")
    int prefetchBatches();

    /** How often a running job publishes a PROGRESS event. */
    @WithDefault("PT2S")
    Duration progressInterval();

    /**
     * The longest time between checkpoints inside an epoch (every epoch's end is checkpointed too): at most
     * this much training is repeated when a replica dies. Each checkpoint is one object-store PUT of the
     * model and optimiser state.
     */
    @WithDefault("PT5M")
    Duration checkpointInterval();

    /**
     * How often a running job publishes a HEARTBEAT event, renewing its attempt's lease at the gateway
     * (metaloop.gateway.lease-timeout, which must be several of these).
     */
    @WithDefault("PT5S")
    Duration heartbeatInterval();

    /** How long one look at the job queue waits before the worker looks again. */
    @WithDefault("PT2S")
    Duration queuePoll();
}
