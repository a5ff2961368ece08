package io.metaloop.messaging;

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
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer side of MetaLoop's pull protocol, shared by batches and episodes. The consumer asks
 * a producer (dataset-service, episode-sampler) for ranges of numbered frames and reads them from
 * its own topic. It never has more than {@code window} frames requested but not yet handed out,
 * so a slow consumer is not flooded, and it asks for more as soon as half the window is used, so
 * a fast one does not starve.
 *
 * <p>Corrupt frames are reported through {@code onRejected} (topic, partition, offset), skipped,
 * and the frames still missing are asked for again. Missing frames are also asked for again after
 * {@code resendAfter} of silence; after {@code giveUpAfter} the stream fails.
 */
public final class PullStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PullStream.class);

    public record Settings(int window, Duration resendAfter, Duration giveUpAfter) {
        public static final Settings DEFAULT = new Settings(16, Duration.ofSeconds(15), Duration.ofMinutes(3));

        public Settings {
            if (window < 1) {
                throw new IllegalArgumentException("window must be at least 1, got " + window);
            }
        }
    }

    /** Sends the request for frames {@code [from, to)} of one epoch (0 for episodes). */
    @FunctionalInterface
    public interface Requester {
        void request(int epoch, long from, long to);
    }

    private final String streamId;
    private final Settings settings;
    private final Requester requester;
    private final Admin admin;
    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final Consumer<RejectedRecord> onRejected;

    public PullStream(KafkaClients clients, Admin admin, String streamId, Settings settings, Requester requester,
                      Consumer<RejectedRecord> onRejected) {
        this.streamId = streamId;
        this.settings = settings;
        this.requester = requester;
        this.admin = admin;
        this.onRejected = onRejected;
        this.topic = Topics.batches(streamId);
        TopicSetup.createMissing(admin, List.of(TopicSetup.batchTopic(streamId, (short) 1)));
        this.consumer = new KafkaConsumer<>(clients.consumer(null));
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition); // resolve the end now: every frame after this point answers our requests
    }

    public String topic() {
        return topic;
    }

    /**
     * Starts reading frames {@code [first, total)} of an epoch; {@code total} −1 means the first frame tells
     * (its {@code epochBatches}). Readers must be used one at a time.
     */
    public Reader open(int epoch, long first, long total) {
        return new Reader(epoch, first, total);
    }

    /** Deletes the stream's topic: its frames were only ever meant for this consumer. */
    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
        try {
            admin.deleteTopics(List.of(topic)).all().get();
        } catch (Exception e) {
            LOG.warn("could not delete {}: {}", topic, e.toString());
        }
    }

    /**
     * Nanoseconds the reader has waited with nothing arriving: since the later of the start of this
     * wait and the last event (an arrival, or a resend). A frame merely not yet there after a long
     * training step is not overdue.
     */
    static long silentFor(long now, long waitStart, long lastEvent) {
        return now - Math.max(waitStart, lastEvent);
    }

    public final class Reader {
        private final int epoch;
        private final Map<Long, BatchFrame> buffer = new HashMap<>();
        private long next;           // index of the next frame to hand out
        private long requestedUpTo;  // frames [first, requestedUpTo) have been asked for
        private long total;          // end of the range, -1 until known
        private boolean asked;
        private long lastArrival = System.nanoTime();
        private long lastResend = System.nanoTime();

        private Reader(int epoch, long first, long total) {
            this.epoch = epoch;
            this.next = first;
            this.requestedUpTo = first;
            this.total = total;
        }

        /** The end of the range, or -1 before the first frame has told it. */
        public long total() {
            return total;
        }

        /** The next frame in order, or null after the last one. */
        public BatchFrame next() throws InterruptedException {
            if (total >= 0 && next >= total) {
                return null;
            }
            topUp();
            long waitStart = System.nanoTime(); // time spent by the caller between frames is not silence
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
                if (silentFor(now, waitStart, lastArrival) > settings.giveUpAfter().toNanos()) {
                    throw new MessagingException("no frame " + next + " of epoch " + epoch + " for "
                            + settings.giveUpAfter().toSeconds() + " s (stream " + streamId + ")");
                }
                if (silentFor(now, waitStart, Math.max(lastArrival, lastResend)) > settings.resendAfter().toNanos()) {
                    LOG.warn("stream {}: frame {} of epoch {} overdue, asking again", streamId, next, epoch);
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
                    throw new MessagingException("stream " + streamId + " cannot be served: " + error.message());
                }
                return;
            }
            BatchFrame frame = ((FrameCodec.Batch) decoded).frame();
            if (frame.epoch() != epoch || frame.batchIndex() < next || frame.batchIndex() >= requestedUpTo) {
                return; // a duplicate or a leftover of another epoch
            }
            if (total < 0) {
                total = frame.epochBatches();
            }
            buffer.put(frame.batchIndex(), frame);
            lastArrival = System.nanoTime();
        }

        /** Keeps up to {@code window} frames requested ahead, asking in chunks of at least half a window. */
        private void topUp() {
            long limit = next + settings.window();
            if (total >= 0) {
                limit = Math.min(limit, total);
            }
            if (limit > requestedUpTo && (!asked || requestedUpTo - next <= settings.window() / 2)) {
                requester.request(epoch, requestedUpTo, limit);
                requestedUpTo = limit;
                asked = true;
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
                    requester.request(epoch, from, to);
                }
                from = to;
            }
        }
    }
}
