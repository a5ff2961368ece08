package io.metaloop.messaging;

import io.metaloop.contracts.Augmentation;
import io.metaloop.contracts.EpisodeRequest;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.Topics;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Few-shot episodes from episode-sampler over the pull protocol ({@link PullStream}): trial ranges
 * are asked for with {@link EpisodeRequest}s; each frame is one episode (see EpisodeRequest).
 */
public final class EpisodeStream implements AutoCloseable {
    /** Which episodes: the dataset split, the seed and the episode shape. */
    public record Query(String streamId, String dataset, String split, long seed, int ways, int shots, int queries,
                        Augmentation augment) {
        /** Episodes of the stored images, not augmented. */
        public Query(String streamId, String dataset, String split, long seed, int ways, int shots, int queries) {
            this(streamId, dataset, split, seed, ways, shots, queries, Augmentation.NONE);
        }
    }

    private final PullStream stream;

    public EpisodeStream(KafkaClients clients, Producer<String, byte[]> producer, Admin admin, Query query,
                         PullStream.Settings settings, Consumer<RejectedRecord> onRejected) {
        PullStream.Requester requester = (epoch, from, to) -> producer.send(new ProducerRecord<>(Topics.EPISODE_REQUESTS,
                query.streamId(), Json.write(new EpisodeRequest(query.streamId(), query.dataset(), query.split(),
                        query.seed(), query.ways(), query.shots(), query.queries(), from, to, query.augment()))));
        this.stream = new PullStream(clients, admin, query.streamId(), settings, requester, onRejected);
    }

    public String topic() {
        return stream.topic();
    }

    /** Reads trials {@code [from, to)} in order (e.g. a meta-batch, or an evaluation shard). */
    public PullStream.Reader trials(long from, long to) {
        return stream.open(0, from, to);
    }

    @Override
    public void close() {
        stream.close();
    }
}
