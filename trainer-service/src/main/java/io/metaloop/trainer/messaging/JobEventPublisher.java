package io.metaloop.trainer.messaging;

import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Publishes job events keyed by experiment, so each experiment's events stay in order. */
@ApplicationScoped
public class JobEventPublisher {
    private final Producer<String, byte[]> producer;

    public JobEventPublisher(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    /** Sends and waits for the broker's acknowledgement: a state change must not be lost silently. */
    public void publish(JobEvent event) {
        try {
            producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, event.experimentId(), Json.write(event))).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish " + event.type() + " for " + event.experimentId(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted publishing " + event.type(), e);
        }
    }
}
