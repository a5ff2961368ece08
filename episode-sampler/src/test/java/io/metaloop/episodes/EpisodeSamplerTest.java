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
import io.metaloop.contracts.EpisodeRequest;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.Topics;
import io.metaloop.contracts.frame.FrameCodec;
import io.metaloop.messaging.RequestServer;
import io.metaloop.messaging.TopicSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
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

    /** STL-10's layout with 4 labelled train images (classes 1, 1, 2, 2), 2 test images and 3 unlabelled ones. */
    private DatasetManifest importTinyStl10() throws Exception {
        String name = "stl10-tiny";
        Optional<DatasetManifest> existing = datasets.manifest(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        Path dir = Files.createTempDirectory("stl10").resolve("stl10_binary");
        Files.createDirectories(dir);
        int image = 3 * 96 * 96;
        Files.write(dir.resolve("train_X.bin"), pixels(4 * image, 1));
        Files.write(dir.resolve("train_y.bin"), new byte[] {1, 1, 2, 2});
        Files.write(dir.resolve("test_X.bin"), pixels(2 * image, 2));
        Files.write(dir.resolve("test_y.bin"), new byte[] {1, 2});
        Files.write(dir.resolve("unlabeled_X.bin"), pixels(3 * image, 3));
        Files.writeString(dir.resolve("class_names.txt"),
                "airplane\nbird\ncar\ncat\ndeer\ndog\nhorse\nmonkey\nship\ntruck\n");
        return datasets.importDataset(name, "stl10", dir.getParent(), ReadOptions.DEFAULTS.withImageSize(32), 10_000);
    }

    private static byte[] pixels(int length, int seed) {
        byte[] b = new byte[length];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void anEpisodeRequestForAnUnlabelledSplitGetsItsErrorFrameAndTheReplicaGoesOnServing() throws Exception {
        importTinyStl10();
        try (EpisodeStream s = new EpisodeStream(clients, producer, admin, new EpisodeStream.Query("ep-" + UUID.randomUUID(),
                "stl10-tiny", "unlabeled", 1, 2, 1, 1), PullStream.Settings.DEFAULT, r -> { })) {
            long start = System.nanoTime();
            MessagingException e = assertThrows(MessagingException.class, () -> s.trials(0, 1).next());
            assertTrue(e.getMessage().contains("split 'unlabeled' of dataset 'stl10-tiny' has 3 of 3 images without a class"),
                    e.getMessage());
            assertTrue(System.nanoTime() - start < 60_000_000_000L, "the reason arrives, not a timeout");
        }
        try (EpisodeStream s = new EpisodeStream(clients, producer, admin, new EpisodeStream.Query("ep-" + UUID.randomUUID(),
                "stl10-tiny", "train", 1, 2, 1, 1), PullStream.Settings.DEFAULT, r -> { })) {
            List<BatchFrame> frames = read(s, 0, 3);
            assertEquals(3, frames.size());
            assertEquals(4, frames.get(0).count(), "2 ways × (1 shot + 1 query)");
        }
        given().when().get("/q/health/live").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("request-server"));
        given().queryParam("dataset", "stl10-tiny").queryParam("split", "unlabeled").queryParam("ways", 2)
                .queryParam("shots", 1).queryParam("queries", 1).queryParam("trials", 5)
                .when().get("/api/v1/protocols").then().statusCode(400)
                .body("fields[0].field", org.hamcrest.Matchers.equalTo("split"));
    }

    @Test
    void whateverAHandlerThrowsBecomesAnErrorFrameAndTheServerGoesOn() throws Exception {
        String topic = "test-requests-" + UUID.randomUUID();
        TopicSetup.createMissing(admin, List.of(new NewTopic(topic, 1, (short) 1)));
        RequestServer<EpisodeRequest> server = new RequestServer<>(clients, producer, topic, "test-" + UUID.randomUUID(),
                EpisodeRequest.class, new RequestServer.Handler<>() {
                    @Override
                    public RequestServer.Reply serve(EpisodeRequest request) {
                        if (request.ways() == 13) {
                            throw new IllegalStateException("unlucky ways");
                        }
                        if (request.ways() == 14) {
                            throw new OutOfMemoryError("Java heap space");
                        }
                        return new RequestServer.Reply(Topics.batches(request.streamId()), request.streamId(),
                                List.of(FrameCodec.encodeError(0, request.fromTrial(), "served " + request.ways())));
                    }

                    @Override
                    public RequestServer.Reply failed(EpisodeRequest request, String reason) {
                        return new RequestServer.Reply(Topics.batches(request.streamId()), request.streamId(),
                                List.of(FrameCodec.encodeError(0, request.fromTrial(), reason)));
                    }
                }, r -> { });
        server.start();
        try {
            List<String> replies = new ArrayList<>();
            for (int ways : new int[] {13, 14, 5}) {
                String stream = "ep-" + UUID.randomUUID();
                TopicSetup.createMissing(admin, List.of(TopicSetup.batchTopic(stream, (short) 1)));
                producer.send(new ProducerRecord<>(topic, stream, Json.write(
                        new EpisodeRequest(stream, DATASET, "all", 1, ways, 1, 1, 0, 1, null)))).get();
                replies.add(firstErrorMessage(Topics.batches(stream)));
            }
            assertTrue(replies.get(0).contains("failed: IllegalStateException: unlucky ways"), replies.get(0));
            assertTrue(replies.get(1).contains("failed: OutOfMemoryError: Java heap space"), replies.get(1));
            assertEquals("served 5", replies.get(2));
            assertTrue(server.isAlive());
        } finally {
            server.stop(java.time.Duration.ofSeconds(10));
        }
    }

    private String firstErrorMessage(String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(clients.consumer("reader-" + UUID.randomUUID()))) {
            consumer.assign(List.of(new org.apache.kafka.common.TopicPartition(topic, 0)));
            consumer.seekToBeginning(consumer.assignment());
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(java.time.Duration.ofMillis(500))) {
                    if (FrameCodec.decode(r.value()) instanceof FrameCodec.Error error) {
                        return error.message();
                    }
                }
            }
            throw new AssertionError("no reply on " + topic);
        }
    }
}
