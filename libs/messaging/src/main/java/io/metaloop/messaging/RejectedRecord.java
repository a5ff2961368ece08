package io.metaloop.messaging;

/**
 * A Kafka record a consumer could not use (corrupt frame, malformed JSON), reported with its
 * position so it can be found, then skipped so the consumer keeps going.
 */
public record RejectedRecord(String topic, int partition, long offset, String reason) {
    /** The topic for metrics: per-stream batch topics count as one family, "metaloop.batches". */
    public String topicFamily() {
        return topic.startsWith("metaloop.batches.") ? "metaloop.batches" : topic;
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset + ": " + reason;
    }
}
