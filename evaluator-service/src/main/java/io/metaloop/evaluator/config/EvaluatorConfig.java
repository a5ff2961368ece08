package io.metaloop.evaluator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "metaloop.evaluator")
public interface EvaluatorConfig {
    /** Images per evaluation batch. */
    @WithDefault("500")
    int batchSize();

    /** Batches requested ahead of the one being classified. */
    @WithDefault("8")
    int prefetchBatches();

    /** How long one look at the evaluation queue waits. */
    @WithDefault("PT2S")
    Duration queuePoll();
}
