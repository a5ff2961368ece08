package io.metaloop.gateway.config;

import io.metaloop.messaging.KafkaClients;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The Kafka clients this service uses, built from its configuration. */
public class Clients {
    @Produces
    @Singleton
    KafkaClients kafkaClients(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        return new KafkaClients(bootstrap, "gateway");
    }

    @Produces
    @Singleton
    Producer<String, byte[]> producer(KafkaClients clients) {
        return new KafkaProducer<>(clients.producer());
    }

    void closeProducer(@Disposes Producer<String, byte[]> producer) {
        producer.close();
    }

    @Produces
    @Singleton
    Admin admin(KafkaClients clients) {
        return Admin.create(clients.admin());
    }

    void closeAdmin(@Disposes Admin admin) {
        admin.close();
    }
}
