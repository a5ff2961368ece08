package io.metaloop.episodes.config;

import io.metaloop.messaging.KafkaClients;
import io.metaloop.messaging.TopicSetup;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The episode-sampler joins the stack (topics, health, metrics) now; N-way K-shot sampling over
 * Kafka is the data-plane issue's work and is not served yet.
 */
@ApplicationScoped
public class Startup {
    private final String bootstrap;

    public Startup(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.bootstrap = bootstrap;
    }

    void onStart(@Observes StartupEvent event) {
        try (Admin admin = Admin.create(new KafkaClients(bootstrap, "episode-sampler").admin())) {
            TopicSetup.ensureStandard(admin, (short) 1);
        }
    }
}
