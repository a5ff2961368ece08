package io.metaloop.evaluator.service;

import io.metaloop.messaging.RejectedRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * What an evaluator exposes on /q/metrics. A trial is one classified test example here (one
 * episode in few-shot evaluation), so {@code rate(metaloop_evaluator_trials_total[1m])} is trials/s.
 */
@ApplicationScoped
public class EvaluatorMetrics {
    private static final Logger LOG = Logger.getLogger(EvaluatorMetrics.class);

    private final MeterRegistry registry;
    private final Counter trials;
    private final Timer evaluation;
    private volatile double trialsPerSecond;

    public EvaluatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.trials = Counter.builder("metaloop.evaluator.trials").description("Evaluation trials completed").register(registry);
        this.evaluation = Timer.builder("metaloop.evaluator.evaluation").description("Wall time of one evaluation")
                .register(registry);
        Gauge.builder("metaloop.evaluator.trials.per.second", this, m -> m.trialsPerSecond)
                .description("Trials per second of the last evaluation").register(registry);
    }

    void trials(int count) {
        trials.increment(count);
    }

    void evaluationDone(long nanos, long trialCount, String outcome) {
        evaluation.record(nanos, TimeUnit.NANOSECONDS);
        trialsPerSecond = trialCount / Math.max(1e-9, nanos / 1e9);
        registry.counter("metaloop.evaluator.evaluations", "outcome", outcome).increment();
    }

    void rejected(RejectedRecord record) {
        registry.counter("metaloop.rejected.records", "topic", record.topicFamily()).increment();
        LOG.warn("skipping " + record);
    }
}
