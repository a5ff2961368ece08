package io.metaloop.messaging;

import io.metaloop.contracts.BatchRequest;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.Topics;
import io.metaloop.contracts.frame.BatchFrame;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Epochs of batches from dataset-service over the pull protocol ({@link PullStream}): batch ranges
 * are asked for with {@link BatchRequest}s; the first frame tells how many batches the epoch has.
 */
public final class BatchStream implements AutoCloseable {
    private final PullStream stream;

    public BatchStream(KafkaClients clients, Producer<String, byte[]> producer, Admin admin, BatchQuery query,
                       PullStream.Settings settings, Consumer<RejectedRecord> onRejected) {
        PullStream.Requester requester = (epoch, from, to) -> producer.send(new ProducerRecord<>(Topics.BATCH_REQUESTS,
                query.streamId(), Json.write(new BatchRequest(query.streamId(), query.dataset(), query.split(), query.seed(),
                        epoch, query.batchSize(), query.shuffle(), query.dropLast(), from, to, query.augment()))));
        this.stream = new PullStream(clients, admin, query.streamId(), settings, requester, onRejected);
    }

    /** The topic this stream's frames arrive on. */
    public String topic() {
        return stream.topic();
    }

    /** Starts reading one epoch. Epochs must be read one at a time, in any order. */
    public EpochReader open(int epoch) {
        return open(epoch, 0);
    }

    /** Starts reading one epoch at batch {@code fromBatch} (a run resuming inside the epoch). */
    public EpochReader open(int epoch, long fromBatch) {
        return new EpochReader(stream.open(epoch, fromBatch, -1));
    }

    @Override
    public void close() {
        stream.close();
    }

    public static final class EpochReader {
        private final PullStream.Reader reader;

        private EpochReader(PullStream.Reader reader) {
            this.reader = reader;
        }

        /** Batches in this epoch, or -1 before the first frame has arrived. */
        public long totalBatches() {
            return reader.total();
        }

        /** The next batch in order, or null after the last one. */
        public BatchFrame next() throws InterruptedException {
            return reader.next();
        }
    }
}
