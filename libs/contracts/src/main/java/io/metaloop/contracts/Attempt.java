package io.metaloop.contracts;

import java.time.Instant;

/**
 * One attempt at training an experiment: a run of its {@link TrainJob} with that attempt number,
 * which is also the fencing epoch of everything the run writes and reports.
 *
 * @param number    1, 2, …
 * @param worker    the replica that ran it (null until one started it)
 * @param startedAt when its STARTED event arrived (null until then)
 * @param ended     why it ended without finishing the job — the lease lapsed, the worker handed it
 *                  back, the job failed — or null while it runs or when it finished the training
 */
public record Attempt(int number, String worker, Instant startedAt, String ended) {
    public Attempt {
        if (number < 1) {
            throw new InvalidMessageException("attempts.number", "must be at least 1, got " + number);
        }
    }

    Attempt ended(String reason) {
        return new Attempt(number, worker, startedAt, reason);
    }

    @Override
    public String toString() {
        return "attempt " + number + (worker == null ? "" : " on " + worker) + (ended == null ? "" : ": " + ended);
    }
}
