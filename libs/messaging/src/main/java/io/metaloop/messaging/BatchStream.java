package io.metaloop.messaging;

import io.metaloop.contracts.BatchRequest;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.Topics;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.frame.FrameCodec;
import io.metaloop.contracts.frame.FrameException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer side of the pull protocol for batches. It asks dataset-service for batch ranges
 * with {@link BatchRequest}s and reads the frames from its own topic; it never has more than
 * {@code window} batches requested but not yet handed out, so a slow trainer is not flooded,
 * and it asks for more as soon as half the window is used, so a fast one does not starve.
 *
 * <p>Corrupt frames are reported through {@code onRejected} (with topic, partition and offset),
 * skipped, and the batches still missing are asked for again. Missing batches are also asked for
 * again after {@code resendAfter} of silence; after {@code giveUpAfter} the stream fails.
 */
public final class BatchStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchStream.class);

    public record Settings(int window, Duration resendAfter, Duration giveUpAfter) {
        public static final Settings DEFAULT = new Settings(16, Duration.ofSeconds(15), Duration.ofMinutes(3));
    }

    private final BatchQuery query;
    private final Settings settings;
    private final Producer<String, byte[]> producer;
    private final Admin admin;
    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final Consumer<RejectedRecord> onRejected;

    public BatchStream(KafkaClients clients, Producer<String, byte[]> producer, Admin admin, BatchQuery query,
                       Settings settings, Consumer<RejectedRecord> onRejected) {
        this.query = query;
        this.settings = settings;
        this.producer = producer;
        this.admin = admin;
        this.onRejected = onRejected;
        this.topic = Topics.batches(query.streamId());
        TopicSetup.createMissing(admin, List.of(TopicSetup.batchTopic(query.streamId(), (short) 1)));
        this.consumer = new KafkaConsumer<>(clients.consumer(null));
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition); // resolve the end now: every frame after this point answers our requests
    }

    /** The topic this stream's frames arrive on. */
    public String topic() {
        return topic;
    }

    /** Starts reading one epoch. Epochs must be read one at a time, in any order. */
    public EpochReader open(int epoch) {
        return new EpochReader(epoch);
    }

    /** Deletes the stream's topic; the frames were only ever meant for this consumer. */
    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
        try {
            admin.deleteTopics(List.of(topic)).all().get();
        } catch (Exception e) {
            LOG.warn("could not delete {}: {}", topic, e.toString());
        }
    }

    public final class EpochReader {
        private final int epoch;
        private final Map<Long, BatchFrame> buffer = new HashMap<>();
        private long next;           // index of the next batch to hand out
        private long requestedUpTo;  // batches [0, requestedUpTo) have been asked for
        private long total = -1;     // batches in the epoch, once the first frame tells
        private long lastArrival = System.nanoTime();
        private long lastResend = System.nanoTime();

        private EpochReader(int epoch) {
            this.epoch = epoch;
        }

        /** Batches in this epoch, or -1 before the first frame has arrived. */
        public long totalBatches() {
            return total;
        }

        /** The next batch in order, or null after the last one. */
        public BatchFrame next() throws InterruptedException {
            if (total >= 0 && next >= total) {
                return null;
            }
            topUp();
            while (!buffer.containsKey(next)) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    accept(record);
                }
                if (total >= 0 && next >= total) {
                    return null;
                }
                long now = System.nanoTime();
                if (now - lastArrival > settings.giveUpAfter().toNanos()) {
                    throw new MessagingException("no batch " + next + " of epoch " + epoch + " from dataset-service for "
                            + settings.giveUpAfter().toSeconds() + " s (stream " + query.streamId() + ")");
                }
                if (now - lastResend > settings.resendAfter().toNanos()) {
                    LOG.warn("stream {}: batch {} of epoch {} overdue, asking again", query.streamId(), next, epoch);
                    resendMissing();
                }
            }
            BatchFrame frame = buffer.remove(next);
            next++;
            topUp();
            return frame;
        }

        private void accept(ConsumerRecord<String, byte[]> record) {
            FrameCodec.Decoded decoded;
            try {
                decoded = FrameCodec.decode(record.value());
            } catch (FrameException e) {
                onRejected.accept(new RejectedRecord(record.topic(), record.partition(), record.offset(), e.getMessage()));
                resendMissing();
                return;
            }
            if (decoded instanceof FrameCodec.Error error) {
                if (error.epoch() == epoch) {
                    throw new MessagingException("dataset-service cannot serve epoch " + epoch + " of "
                            + query.dataset() + "/" + query.split() + ": " + error.message());
                }
                return;
            }
            BatchFrame frame = ((FrameCodec.Batch) decoded).frame();
            if (frame.epoch() != epoch || frame.batchIndex() < next || frame.batchIndex() >= requestedUpTo) {
                return; // a duplicate or a leftover of another epoch
            }
            total = frame.epochBatches();
            buffer.put(frame.batchIndex(), frame);
            lastArrival = System.nanoTime();
        }

        /** Keeps up to {@code window} batches requested ahead, asking in chunks of at least half a window. */
        private void topUp() {
            long limit = next + settings.window();
            if (total >= 0) {
                limit = Math.min(limit, total);
            }
            boolean firstRequest = requestedUpTo == 0;
            if (limit > requestedUpTo && (firstRequest || requestedUpTo - next <= settings.window() / 2)) {
                send(requestedUpTo, limit);
                requestedUpTo = limit;
            }
        }

        private void resendMissing() {
            lastResend = System.nanoTime();
            long from = next;
            while (from < requestedUpTo) {
                while (from < requestedUpTo && buffer.containsKey(from)) {
                    from++;
                }
                long to = from;
                while (to < requestedUpTo && !buffer.containsKey(to)) {
                    to++;
                }
                if (to > from) {
                    send(from, to);
                }
                from = to;
            }
        }

        private void send(long from, long to) {
            BatchRequest request = new BatchRequest(query.streamId(), query.dataset(), query.split(), query.seed(), epoch,
                    query.batchSize(), query.shuffle(), query.dropLast(), from, to);
            producer.send(new ProducerRecord<>(Topics.BATCH_REQUESTS, query.streamId(), Json.write(request)));
        }
    }
}
