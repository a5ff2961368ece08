package io.metaloop.messaging;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Client settings for MetaLoop's Kafka clients: string keys, byte-array values (JSON or frames). */
public record KafkaClients(String bootstrapServers, String clientId) {
    /** Largest message (a batch frame) the clients send or accept. */
    public static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

    public Map<String, Object> producer() {
        Map<String, Object> p = common();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_MESSAGE_BYTES);
        return p;
    }

    /**
     * The producer of a request server's reply frames ({@link RequestServer}). Its sends must not
     * hold up the next request: a leftover request for a stream whose consumer has gone names a
     * deleted topic, and with the defaults {@code send} waits 60 s for that topic's metadata on the
     * server's only thread, then the batch waits up to 120 s for delivery. A lost frame costs little
     * here, because the consumer asks again for whatever is overdue, and frames carry their index,
     * so duplicates and reordering are harmless: no idempotence, short timeouts.
     */
    public Map<String, Object> replyProducer() {
        Map<String, Object> p = producer();
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        return p;
    }

    /** A consumer that manages its own offsets (assign/seek) or commits as a group member. */
    public Map<String, Object> consumer(String groupId) {
        Map<String, Object> c = common();
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_MESSAGE_BYTES);
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, MAX_MESSAGE_BYTES);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (groupId != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        }
        return c;
    }

    /** A share-group member that acknowledges each record itself and acquires at most one at a time. */
    public Map<String, Object> shareConsumer(String group) {
        Map<String, Object> c = common();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        c.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        return c;
    }

    public Map<String, Object> admin() {
        return common();
    }

    private Map<String, Object> common() {
        Map<String, Object> m = new HashMap<>();
        m.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        m.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return m;
    }
}
