package io.metaloop.dataset.config;

import io.metaloop.messaging.KafkaClients;
import io.metaloop.storage.DatasetStore;
import io.metaloop.storage.ObjectStore;
import io.metaloop.storage.ObjectStoreConfig;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The Kafka and object-store clients this service uses, built from its configuration. */
public class Clients {
    @Produces
    @Singleton
    KafkaClients kafkaClients(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        return new KafkaClients(bootstrap, "dataset-service");
    }

    @Produces
    @Singleton
    Producer<String, byte[]> producer(KafkaClients clients) {
        return new KafkaProducer<>(clients.replyProducer()); // reply frames only: see replyProducer()
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

    @Produces
    @Singleton
    DatasetStore datasetStore(ObjectStore store, DatasetServiceConfig config) {
        return new DatasetStore(store, config.cacheBytes().orElse(DatasetStore.defaultCacheBytes()), java.time.Clock.systemUTC());
    }

    @Produces
    @Singleton
    ObjectStore objectStore(S3Config s3) {
        return new ObjectStore(new ObjectStoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket()));
    }
}
