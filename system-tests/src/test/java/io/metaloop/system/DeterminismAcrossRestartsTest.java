package io.metaloop.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metaloop.contracts.Augmentation;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.frame.FrameCodec;
import io.metaloop.localstack.LocalStack;
import io.metaloop.localstack.ProjectLayout;
import io.metaloop.localstack.S3Server;
import io.metaloop.messaging.BatchQuery;
import io.metaloop.messaging.BatchStream;
import io.metaloop.messaging.EpisodeStream;
import io.metaloop.messaging.KafkaClients;
import io.metaloop.messaging.PullStream;
import io.metaloop.storage.DatasetStore;
import io.metaloop.storage.ObjectStore;
import io.metaloop.storage.ObjectStoreConfig;
import io.metaloop.datasets.ReadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;

/**
 * The same (seed, epoch) gives byte-identical batches and the same (seed, trial) identical
 * episodes on two separate stack starts, each with its own broker, object store and fresh import.
 */
class DeterminismAcrossRestartsTest {
    private static final List<String> SERVICES = List.of("dataset-service", "episode-sampler");

    /** SHA-256 over the encoded frames of epoch 2 (batch 250) and of trials 40..59 (5-way 1-shot 5-query). */
    private static List<String> fingerprints() throws Exception {
        Path runDir = Files.createTempDirectory("metaloop-determinism-");
        try (LocalStack stack = LocalStack.start(ProjectLayout.locate(), runDir, SERVICES, line -> { })) {
            Http.useToken(stack.auth().localUserToken());
            ObjectStore store = new ObjectStore(new ObjectStoreConfig(stack.s3Endpoint(), S3Server.ACCESS_KEY,
                    S3Server.SECRET_KEY, LocalStack.BUCKET));
            new DatasetStore(store, DatasetStore.defaultCacheBytes(), Clock.systemUTC()).importDataset("omniglot", "omniglot",
                    ProjectLayout.locate().bundledData().resolve("omniglot/images_background_small2.zip"),
                    ReadOptions.DEFAULTS.withImageSize(28), 1000);
            KafkaClients clients = new KafkaClients(stack.kafkaBootstrap(), "determinism-test");
            List<String> prints = new ArrayList<>();
            try (Producer<String, byte[]> producer = new KafkaProducer<>(clients.producer());
                 Admin admin = Admin.create(clients.admin())) {
                MessageDigest batches = MessageDigest.getInstance("SHA-256");
                try (BatchStream stream = new BatchStream(clients, producer, admin,
                        new BatchQuery("det-batches", "fashion-mnist", "train", 9, 250, true, true),
                        PullStream.Settings.DEFAULT, r -> { })) {
                    BatchStream.EpochReader reader = stream.open(2);
                    for (BatchFrame f; (f = reader.next()) != null; ) {
                        batches.update(FrameCodec.encode(f));
                    }
                }
                prints.add(HexFormat.of().formatHex(batches.digest()));
                MessageDigest episodes = MessageDigest.getInstance("SHA-256");
                try (EpisodeStream stream = new EpisodeStream(clients, producer, admin,
                        new EpisodeStream.Query("det-episodes", "omniglot", "all", 5, 5, 1, 5),
                        PullStream.Settings.DEFAULT, r -> { })) {
                    PullStream.Reader reader = stream.trials(40, 60);
                    int count = 0;
                    for (BatchFrame f; (f = reader.next()) != null; count++) {
                        episodes.update(FrameCodec.encode(f));
                    }
                    assertEquals(20, count);
                }
                prints.add(HexFormat.of().formatHex(episodes.digest()));
                // augmented views are made on the data side and must be just as reproducible
                MessageDigest augmented = MessageDigest.getInstance("SHA-256");
                try (BatchStream stream = new BatchStream(clients, producer, admin,
                        new BatchQuery("det-augmented", "omniglot", "all", 3, 100, true, true, Augmentation.preset("finetune", 2)),
                        PullStream.Settings.DEFAULT, r -> { })) {
                    BatchStream.EpochReader reader = stream.open(1);
                    for (BatchFrame f; (f = reader.next()) != null; ) {
                        assertEquals(200, f.count(), "two views of 100 images");
                        augmented.update(FrameCodec.encode(f));
                    }
                }
                try (EpisodeStream stream = new EpisodeStream(clients, producer, admin,
                        new EpisodeStream.Query("det-augmented-episodes", "omniglot", "all", 5, 5, 1, 5,
                                Augmentation.preset("simclr", 2)), PullStream.Settings.DEFAULT, r -> { })) {
                    PullStream.Reader reader = stream.trials(0, 10);
                    for (BatchFrame f; (f = reader.next()) != null; ) {
                        assertEquals(2 * 5 * (1 + 5), f.count(), "two views of a 5-way 1-shot 5-query episode");
                        augmented.update(FrameCodec.encode(f));
                    }
                }
                prints.add(HexFormat.of().formatHex(augmented.digest()));
            }
            return prints;
        } finally {
            LocalStack.deleteRunDirectory(runDir);
        }
    }

    @Test
    void batchesAndEpisodesAreByteIdenticalAcrossTwoStackStarts() throws Exception {
        List<String> first = fingerprints();
        List<String> second = fingerprints();
        assertEquals(first, second);
        org.junit.jupiter.api.Assertions.assertNotEquals(first.get(0), first.get(1), "batches and episodes differ");
    }
}
