package io.metaloop.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Json;
import io.metaloop.learning.train.StepReport;
import io.metaloop.trainer.messaging.JobEventPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Unit test with Kafka's MockProducer standing in for the broker. */
class ProgressReporterTest {
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TrainerMetrics metrics = new TrainerMetrics(registry);
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);

    private List<JobEvent> events() {
        return producer.history().stream().map(r -> Json.read(r.value(), JobEvent.class)).toList();
    }

    @Test
    void aWindowReportsMeanLossStepTimeAndTheShareOfTimeSpentWaitingForData() {
        ProgressReporter reporter = new ProgressReporter("e1", "w", 2, Duration.ofDays(1), new JobEventPublisher(producer),
                metrics, clock);
        // waits 1 ms and 3 ms, computes 9 ms and 7 ms: data wait 4 of 20 ms = 20 %
        reporter.onStep(new StepReport(0, 1, 4, 0.9, 32, 1_000_000, 9_000_000));
        reporter.onStep(new StepReport(0, 2, 4, 0.5, 32, 3_000_000, 7_000_000));
        assertEquals(List.of(), events(), "no PROGRESS before the interval has passed");
        reporter.onEpochEnd(1, 4, "checkpoints/e1/epoch-0001.ckpt");
        JobEvent epoch = events().get(0);
        assertEquals(JobEvent.Type.EPOCH_COMPLETED, epoch.type());
        assertEquals("checkpoints/e1/epoch-0001.ckpt", epoch.checkpointKey());
        assertEquals(1, epoch.progress().epoch());
        assertEquals(4, epoch.progress().stepsPerEpoch());
        assertEquals(0.7, epoch.metrics().loss(), 1e-12);
        assertEquals(8.0, epoch.metrics().stepMillis(), 1e-12);
        assertEquals(0.2, epoch.metrics().dataWaitFraction(), 1e-12);
        assertEquals(clock.instant(), epoch.at());
        assertEquals(4, reporter.stepsPerEpoch());
        assertEquals(64.0, registry.get("metaloop.trainer.images").counter().count());
        assertEquals(2, registry.get("metaloop.trainer.step").timer().count());
        assertEquals(0.004, registry.get("metaloop.trainer.data.wait").timer().totalTime(java.util.concurrent.TimeUnit.SECONDS), 1e-12);
    }

    @Test
    void progressEventsCarryTheStepWithinTheEpoch() {
        ProgressReporter reporter = new ProgressReporter("e2", "w", 3, Duration.ZERO, new JobEventPublisher(producer),
                metrics, clock);
        reporter.onStep(new StepReport(1, 5, 10, 0.4, 16, 0, 1_000_000));
        JobEvent progress = events().get(0);
        assertEquals(JobEvent.Type.PROGRESS, progress.type());
        assertEquals("e2", progress.experimentId());
        assertEquals(1, progress.progress().epoch());
        assertEquals(5, progress.progress().step());
        assertEquals((1 + 0.5) / 3, progress.progress().fraction(), 1e-12);
        assertEquals("e2", producer.history().get(0).key(), "keyed by experiment so its events stay in order");
    }
}
