package io.metaloop.contracts;

import java.time.Instant;

/**
 * A training job on {@link Topics#JOBS}.
 *
 * @param dataset the catalogue entry of {@code spec.dataset()} at submission time
 * @param attempt 1 for the first run; higher when a job is resubmitted to resume
 */
public record TrainJob(String experimentId, ExperimentSpec spec, DatasetInfo dataset, int attempt, Instant submittedAt) {
    public TrainJob {
        Messages.require("experimentId", experimentId);
        Messages.require("spec", spec);
        Messages.require("dataset", dataset);
        Messages.require("submittedAt", submittedAt);
    }
}
