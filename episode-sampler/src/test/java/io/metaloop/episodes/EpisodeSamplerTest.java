package io.metaloop.episodes;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.datasets.DatasetManifest;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.datasets.ShardedSplit;
import io.metaloop.localstack.ProjectLayout;
import io.metaloop.messaging.EpisodeStream;
import io.metaloop.messaging.KafkaClients;
import io.metaloop.messaging.MessagingException;
import io.metaloop.messaging.PullStream;
import io.metaloop.storage.DatasetStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** episode-sampler against a real Kafka broker and S3 server, on the bundled Omniglot background set. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class EpisodeSamplerTest {
    private static final String DATASET = "omniglot-test";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    DatasetStore datasets;

    private KafkaClients clients;
    private Producer<String, byte[]> producer;
    private Admin admin;
    private DatasetManifest manifest;

    @BeforeEach
    void setUp() throws Exception {
        clients = new KafkaClients(bootstrap, "episode-sampler-test");
        producer = new KafkaProducer<>(clients.producer());
        admin = Admin.create(clients.admin());
        manifest = datasets.manifest(DATASET).orElse(null);
        if (manifest == null) {
            manifest = datasets.importDataset(DATASET, "omniglot",
                    ProjectLayout.locate().bundledData().resolve("omniglot/images_background_small1.zip"),
                    ReadOptions.DEFAULTS.withImageSize(28).withRotations(true), 10_000);
        }
    }

    @AfterEach
    void tearDown() {
        producer.close();
        admin.close();
    }

    private EpisodeStream stream(long seed, int ways, int shots, int queries) {
        return new EpisodeStream(clients, producer, admin, new EpisodeStream.Query("ep-" + UUID.randomUUID(), DATASET, "all",
                seed, ways, shots, queries), PullStream.Settings.DEFAULT, r -> { });
    }

    private static List<BatchFrame> read(EpisodeStream stream, long from, long to) throws InterruptedException {
        List<BatchFrame> frames = new ArrayList<>();
        PullStream.Reader reader = stream.trials(from, to);
        for (BatchFrame f; (f = reader.next()) != null; ) {
            frames.add(f);
        }
        return frames;
    }

    @Test
    void fiveWayOneShotEpisodesArriveInTrialOrderWithSupportThenQueryFromDistinctClasses() throws Exception {
        ShardedSplit all = datasets.split(manifest, "all");
        java.util.Map<Integer, Set<java.nio.ByteBuffer>> imagesByClass = new java.util.HashMap<>();
        for (int i = 0; i < all.count(); i++) {
            byte[] image = new byte[784];
            int[] label = new int[all.labelLevels()];
            all.copy(i, image, 0, label, 0);
            imagesByClass.computeIfAbsent(label[0], c -> new HashSet<>()).add(java.nio.ByteBuffer.wrap(image));
        }
        List<BatchFrame> episodes;
        try (EpisodeStream stream = stream(1, 5, 1, 15)) {
            episodes = read(stream, 100, 130);
        }
        assertEquals(30, episodes.size());
        for (int i = 0; i < episodes.size(); i++) {
            BatchFrame e = episodes.get(i);
            assertEquals(100 + i, e.batchIndex());
            assertEquals(5 * 16, e.count());
            assertEquals(2, e.labelLevels());
            Set<Integer> classes = new HashSet<>();
            for (int k = 0; k < e.count(); k++) {
                int way = e.label(k, 0);
                int expectedWay = k < 5 ? k : (k - 5) / 15; // support: one per way; then 15 queries per way
                assertEquals(expectedWay, way, "image " + k);
                classes.add(e.label(k, 1));
                assertTrue(imagesByClass.get(e.label(k, 1)).contains(
                        java.nio.ByteBuffer.wrap(Arrays.copyOfRange(e.pixels(), k * 784, (k + 1) * 784))),
                        "image " + k + " is of its class");
            }
            assertEquals(5, classes.size());
        }
    }

    @Test
    void theSameSeedAndTrialsGiveIdenticalEpisodesOnEveryStream() throws Exception {
        List<BatchFrame> a;
        List<BatchFrame> b;
        List<BatchFrame> otherSeed;
        try (EpisodeStream s = stream(42, 20, 5, 5)) {
            a = read(s, 0, 10);
        }
        try (EpisodeStream s = stream(42, 20, 5, 5)) {
            b = read(s, 5, 10); // a shard of the same evaluation
        }
        try (EpisodeStream s = stream(43, 20, 5, 5)) {
            otherSeed = read(s, 0, 10);
        }
        assertEquals(a.subList(5, 10), b);
        assertNotEquals(a.get(0), otherSeed.get(0));
        assertArrayEquals(a.get(7).pixels(), b.get(2).pixels());
    }

    @Test
    void episodesThatDoNotFitAreRefusedNamingTheNumber() {
        try (EpisodeStream s = stream(1, 600, 1, 1)) {
            MessagingException e = assertThrows(MessagingException.class, () -> s.trials(0, 1).next());
            assertTrue(e.getMessage().contains("ways=600 is more than the 544 classes"), e.getMessage());
        }
        try (EpisodeStream s = stream(1, 5, 10, 15)) {
            MessagingException e = assertThrows(MessagingException.class, () -> s.trials(0, 1).next());
            assertTrue(e.getMessage().contains("shots+queries=25 is more than the 20 images"), e.getMessage());
        }
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("metaloop_episodes_served_total{"), "episodes served metric");
    }
}
