package io.metaloop.episodes.messaging;

import io.metaloop.contracts.EpisodeRequest;
import io.metaloop.contracts.Topics;
import io.metaloop.episodes.service.EpisodeServer;
import io.metaloop.messaging.KafkaClients;
import io.metaloop.messaging.RejectedRecord;
import io.metaloop.messaging.RequestServer;
import io.metaloop.messaging.TopicSetup;
import io.metaloop.storage.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.jboss.logging.Logger;

/** Serves {@link EpisodeRequest}s from {@link Topics#EPISODE_REQUESTS}; replicas share them as a consumer group. */
@ApplicationScoped
public class EpisodeRequestConsumer {
    private static final Logger LOG = Logger.getLogger(EpisodeRequestConsumer.class);
    static final String GROUP = "metaloop-episode-sampler";

    private final RequestServer<EpisodeRequest> server;
    private final Admin admin;
    private final ObjectStore store;

    public EpisodeRequestConsumer(KafkaClients clients, Producer<String, byte[]> producer, Admin admin, ObjectStore store,
                                  EpisodeServer episodes, MeterRegistry registry) {
        this.admin = admin;
        this.store = store;
        Timer requestTime = Timer.builder("metaloop.episodes.request.duration")
                .description("Time to sample and encode the episodes of one request").register(registry);
        this.server = new RequestServer<>(clients, producer, Topics.EPISODE_REQUESTS, GROUP, EpisodeRequest.class,
                new RequestServer.Handler<>() {
                    @Override
                    public RequestServer.Reply serve(EpisodeRequest request) {
                        return requestTime.record(() -> {
                            EpisodeServer.Served served = episodes.serve(request);
                            registry.counter("metaloop.episodes.served", "dataset", request.dataset(), "split", request.split())
                                    .increment(served.episodes());
                            registry.counter("metaloop.episodes.bytes.served", "dataset", request.dataset(), "split", request.split())
                                    .increment(served.frames().stream().mapToLong(f -> f.length).sum());
                            return reply(request, served);
                        });
                    }

                    @Override
                    public RequestServer.Reply failed(EpisodeRequest request, String reason) {
                        registry.counter("metaloop.requests.failed", "topic", Topics.EPISODE_REQUESTS).increment();
                        return reply(request, EpisodeServer.error(request, reason));
                    }
                },
                rejected -> reject(registry, rejected));
    }

    private static RequestServer.Reply reply(EpisodeRequest request, EpisodeServer.Served served) {
        return new RequestServer.Reply(Topics.batches(request.streamId()), request.streamId(), served.frames());
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
        store.ensureBucket();
        TopicSetup.ensureStandard(admin, (short) 1);
        server.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        server.stop(Duration.ofSeconds(10));
    }
}
