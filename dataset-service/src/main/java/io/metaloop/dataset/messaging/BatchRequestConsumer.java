package io.metaloop.dataset.messaging;

import io.metaloop.contracts.BatchRequest;
import io.metaloop.contracts.Topics;
import io.metaloop.dataset.service.BatchServer;
import io.metaloop.messaging.KafkaClients;
import io.metaloop.messaging.RejectedRecord;
import io.metaloop.messaging.RequestServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.Producer;
import org.jboss.logging.Logger;

/**
 * Serves {@link BatchRequest}s from {@link Topics#BATCH_REQUESTS}: each request's frames go to the
 * requesting stream's topic. Replicas share the work as one consumer group. A request that is not
 * valid JSON is logged with its offset, counted, and skipped.
 */
@ApplicationScoped
public class BatchRequestConsumer {
    private static final Logger LOG = Logger.getLogger(BatchRequestConsumer.class);
    static final String GROUP = "metaloop-dataset-service";

    private final RequestServer<BatchRequest> server;

    public BatchRequestConsumer(KafkaClients clients, Producer<String, byte[]> producer, BatchServer batches,
                                MeterRegistry registry) {
        Timer requestTime = Timer.builder("metaloop.dataset.request.duration")
                .description("Time to assemble the frames of one batch request").register(registry);
        this.server = new RequestServer<>(clients, producer, Topics.BATCH_REQUESTS, GROUP, BatchRequest.class,
                new RequestServer.Handler<>() {
                    @Override
                    public RequestServer.Reply serve(BatchRequest request) {
                        return requestTime.record(() -> {
                            List<BatchServer.Served> served = batches.serve(request);
                            long bytes = served.stream().mapToLong(s -> s.frame().length).sum();
                            long count = served.stream().filter(s -> s.images() > 0).count();
                            registry.counter("metaloop.dataset.batches.served", "dataset", request.dataset(), "split", request.split())
                                    .increment(count);
                            registry.counter("metaloop.dataset.bytes.served", "dataset", request.dataset(), "split", request.split())
                                    .increment(bytes);
                            return reply(request, served);
                        });
                    }

                    @Override
                    public RequestServer.Reply failed(BatchRequest request, String reason) {
                        registry.counter("metaloop.requests.failed", "topic", Topics.BATCH_REQUESTS).increment();
                        return reply(request, BatchServer.error(request, reason));
                    }
                },
                rejected -> reject(registry, rejected));
    }

    private static RequestServer.Reply reply(BatchRequest request, List<BatchServer.Served> served) {
        return new RequestServer.Reply(Topics.batches(request.streamId()), request.streamId(),
                served.stream().map(BatchServer.Served::frame).toList());
    }

    /** True while the request thread serves (see {@link RequestServer#isAlive()}). */
    public boolean isServing() {
        return server.isAlive();
    }

    private static void reject(MeterRegistry registry, RejectedRecord record) {
        registry.counter("metaloop.rejected.records", "topic", record.topicFamily()).increment();
        LOG.warn("skipping " + record);
    }

    void onStart(@Observes StartupEvent event) {
        server.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        server.stop(Duration.ofSeconds(10));
    }
}
