package io.metaloop.trainer.service;

import io.metaloop.messaging.RejectedRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** What a trainer exposes on /q/metrics. */
@ApplicationScoped
public class TrainerMetrics {
    private static final Logger LOG = Logger.getLogger(TrainerMetrics.class);

    private final MeterRegistry registry;
    private final Timer step;
    private final Timer dataWait;
    private final Counter images;
    private volatile double loss = Double.NaN;
    private volatile double imagesPerSecond;
    private volatile int busy;
    private volatile double validationAccuracy = Double.NaN;

    public TrainerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.step = Timer.builder("metaloop.trainer.step").description("Compute time of one training step")
                .publishPercentiles(0.5, 0.95).register(registry);
        this.dataWait = Timer.builder("metaloop.trainer.data.wait")
                .description("Time a training step waited for its batch").publishPercentiles(0.5, 0.95).register(registry);
        this.images = Counter.builder("metaloop.trainer.images").description("Images trained on").register(registry);
        Gauge.builder("metaloop.trainer.loss", this, m -> m.loss).description("Mean training loss, last report")
                .register(registry);
        Gauge.builder("metaloop.trainer.images.per.second", this, m -> m.imagesPerSecond)
                .description("Training throughput, last report").register(registry);
        Gauge.builder("metaloop.trainer.busy", this, m -> m.busy).description("1 while a job runs").register(registry);
        Gauge.builder("metaloop.trainer.validation.accuracy", this, m -> m.validationAccuracy)
                .description("Mean accuracy of the last meta-validation (few-shot methods)").register(registry);
    }

    void recordStep(long dataWaitNanos, long computeNanos, int batchImages) {
        step.record(computeNanos, TimeUnit.NANOSECONDS);
        dataWait.record(dataWaitNanos, TimeUnit.NANOSECONDS);
        images.increment(batchImages);
    }

    void report(double meanLoss, double throughput) {
        this.loss = meanLoss;
        this.imagesPerSecond = throughput;
    }

    void validated(double accuracy) {
        validationAccuracy = accuracy;
    }

    void busy(boolean running) {
        busy = running ? 1 : 0;
        if (!running) {
            imagesPerSecond = 0;
        }
    }

    void jobFinished(String outcome) {
        registry.counter("metaloop.trainer.jobs", "outcome", outcome).increment();
    }

    void rejected(RejectedRecord record) {
        registry.counter("metaloop.rejected.records", "topic", record.topicFamily()).increment();
        LOG.warn("skipping " + record);
    }
}
