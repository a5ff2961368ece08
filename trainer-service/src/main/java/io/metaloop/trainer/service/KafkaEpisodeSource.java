package io.metaloop.trainer.service;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.learning.data.MetaBatches;
import io.metaloop.learning.train.BatchSource;
import io.metaloop.messaging.EpisodeStream;
import io.metaloop.messaging.PullStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The training loop's view of an {@link EpisodeStream}: step s of epoch e is the meta-batch of
 * trials [(e·S + s)·E, (e·S + s + 1)·E) of the training split (S meta-batches per epoch, E episodes
 * each), handed over as one frame of E consecutive episodes. Training episodes are therefore a
 * function of (seed, epoch, step) alone, and a resumed run sees the same ones. The stream pulls a
 * bounded window of episodes ahead, as batches do.
 */
final class KafkaEpisodeSource implements BatchSource {
    private final EpisodeStream stream;
    private final int metaBatch;
    private final long stepsPerEpoch;

    KafkaEpisodeSource(EpisodeStream stream, int metaBatch, long stepsPerEpoch) {
        this.stream = stream;
        this.metaBatch = metaBatch;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    @Override
    public EpochStream open(int epoch, long fromBatch) {
        long firstTrial = (epoch * stepsPerEpoch + fromBatch) * metaBatch;
        long endTrial = (epoch + 1) * stepsPerEpoch * metaBatch;
        PullStream.Reader reader = stream.trials(firstTrial, endTrial);
        return new EpochStream() {
            private long step = fromBatch;

            @Override
            public BatchFrame next() throws InterruptedException {
                if (step >= stepsPerEpoch) {
                    return null;
                }
                List<BatchFrame> episodes = new ArrayList<>(metaBatch);
                for (int e = 0; e < metaBatch; e++) {
                    BatchFrame episode = reader.next();
                    if (episode == null) {
                        throw new IllegalStateException("the episode stream ended inside meta-batch " + step + " of epoch "
                                + epoch);
                    }
                    episodes.add(episode);
                }
                return MetaBatches.concat(episodes, epoch, step++, stepsPerEpoch);
            }

            @Override
            public void close() {
                // the stream stays open for the next epoch; the job closes it
            }
        };
    }
}
