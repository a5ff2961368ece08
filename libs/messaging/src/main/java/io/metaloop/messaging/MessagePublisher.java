package io.metaloop.messaging;

import io.metaloop.contracts.Json;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends JSON messages and waits for the broker's acknowledgement: state changes, jobs and results
 * must not be lost silently. Messages are keyed (by experiment), so each key's messages stay in order.
 */
public final class MessagePublisher {
    private final Producer<String, byte[]> producer;

    public MessagePublisher(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    public void send(String topic, String key, Object message) {
        try {
            producer.send(new ProducerRecord<>(topic, key, Json.write(message))).get();
        } catch (ExecutionException e) {
            throw new MessagingException("cannot publish " + message.getClass().getSimpleName() + " for " + key + " to "
                    + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted publishing to " + topic + " for " + key, e);
        }
    }
}
