package io.metaloop.dataset;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.AugmentStep;
import io.metaloop.contracts.Augmentation;
import io.metaloop.contracts.Topics;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.datasets.EpochOrder;
import io.metaloop.datasets.FashionMnist;
import io.metaloop.datasets.SplitData;
import io.metaloop.localstack.ProjectLayout;
import io.metaloop.messaging.BatchQuery;
import io.metaloop.messaging.BatchStream;
import io.metaloop.messaging.PullStream;
import io.metaloop.messaging.KafkaClients;
import io.metaloop.messaging.MessagingException;
import io.metaloop.messaging.RejectedRecord;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** dataset-service against a real Kafka broker and S3 server, with the bundled Fashion-MNIST. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class DatasetServiceTest {
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private KafkaClients clients;
    private Producer<String, byte[]> producer;
    private Admin admin;

    @BeforeEach
    void connect() {
        clients = new KafkaClients(bootstrap, "dataset-service-test");
        producer = new KafkaProducer<>(clients.producer());
        admin = Admin.create(clients.admin());
    }

    @AfterEach
    void disconnect() {
        producer.close();
        admin.close();
    }

    private BatchStream stream(String split, int batchSize, boolean shuffle, List<RejectedRecord> rejected) {
        BatchQuery query = new BatchQuery("test-" + UUID.randomUUID(), "fashion-mnist", split, 42, batchSize, shuffle, shuffle);
        return new BatchStream(clients, producer, admin, query, PullStream.Settings.DEFAULT, rejected::add);
    }

    private static List<BatchFrame> readEpoch(BatchStream stream, int epoch) throws InterruptedException {
        List<BatchFrame> frames = new ArrayList<>();
        BatchStream.EpochReader reader = stream.open(epoch);
        for (BatchFrame f; (f = reader.next()) != null; ) {
            frames.add(f);
        }
        return frames;
    }

    @Test
    void bundledFashionMnistIsInTheCatalogue() {
        given().when().get("/api/v1/datasets/fashion-mnist").then().statusCode(200)
                .body("channels", equalTo(1)).body("height", equalTo(28)).body("width", equalTo(28))
                .body("levels[0].classes[9]", equalTo("Ankle boot"))
                .body("splits.train", equalTo(20000)).body("splits.test", equalTo(10000));
        given().when().get("/api/v1/datasets").then().statusCode(200).body("name", hasItem("fashion-mnist"));
    }

    @Test
    void importsReadOnlyInsideTheImportRootsWhateverThePathOrLinkSays() throws Exception {
        given().contentType("application/json").body("{\"format\":\"omniglot\",\"path\":\"/etc/passwd\"}")
                .when().post("/api/v1/datasets/escape/import").then().statusCode(400)
                .body("fields[0].field", equalTo("path"))
                .body("fields[0].message", containsString("outside the directories imports may read"));
        String tmp = System.getProperty("java.io.tmpdir");
        given().contentType("application/json").body("{\"format\":\"omniglot\",\"path\":\"" + tmp + "/../../etc/passwd\"}")
                .when().post("/api/v1/datasets/escape/import").then().statusCode(400)
                .body("fields[0].field", equalTo("path")).body("fields[0].message", containsString("resolving to /etc/passwd"));
        given().contentType("application/json").body("{\"format\":\"omniglot\",\"path\":\"relative/x.zip\"}")
                .when().post("/api/v1/datasets/escape/import").then().statusCode(400)
                .body("fields[0].message", containsString("must be an absolute path"));
        // a link inside an allowed folder that points outside it is followed, and refused
        Path link = Files.createTempDirectory("import-link").resolve("etc");
        Files.createSymbolicLink(link, Path.of("/etc"));
        given().contentType("application/json").body("{\"format\":\"omniglot\",\"path\":\"" + link + "/hosts\","
                        + "\"hierarchyFile\":\"/root/h.csv\"}")
                .when().post("/api/v1/datasets/escape/import").then().statusCode(400)
                .body("fields.field", hasItems("path", "hierarchyFile"))
                .body("fields[0].message", containsString("resolving to /etc/hosts"));
        given().when().get("/api/v1/datasets/escape").then().statusCode(404);
    }

    @Test
    void omniglotImportsWithRotationsAndResizingAndTheCatalogueShowsItsLevels() {
        String zip = ProjectLayout.locate().bundledData().resolve("omniglot/images_background_small1.zip").toString();
        given().contentType("application/json")
                .body("{\"format\":\"omniglot\",\"path\":\"" + zip + "\",\"imageSize\":28,\"rotations\":true}")
                .when().post("/api/v1/datasets/omniglot-small1/import").then().statusCode(201)
                .body("height", equalTo(28)).body("width", equalTo(28)).body("channels", equalTo(1))
                .body("levels[0].name", equalTo("character"))
                .body("levels[0].classes.size()", equalTo(136 * 4))
                .body("splits.all", equalTo(136 * 20 * 4));
        given().when().get("/api/v1/datasets/omniglot-small1").then().statusCode(200)
                .body("levels[0].classes[1]", containsString("/rot90"));
    }

    @Test
    void classSplitsRouteImagesByAlphabetAndBadFilesAreRejectedByName() throws Exception {
        Path omniglot = ProjectLayout.locate().bundledData().resolve("omniglot");
        String zip = omniglot.resolve("images_background_small1.zip").toString();
        Path splits = Files.createTempFile("small1-splits", ".json");
        Files.writeString(splits, "{\"train\": [\"Balinese/\", \"Greek/\", \"Korean/\", \"Latin/\"],"
                + " \"test\": [\"Early_Aramaic/\"]}");
        given().contentType("application/json")
                .body("{\"format\":\"omniglot\",\"path\":\"" + zip + "\",\"imageSize\":28,\"classSplits\":\"" + splits + "\"}")
                .when().post("/api/v1/datasets/omniglot-split/import").then().statusCode(201)
                .body("levels[0].classes.size()", equalTo(136))
                .body("splits.train", equalTo(114 * 20)).body("splits.test", equalTo(22 * 20))
                .body("splits.all", equalTo(null));
        // the bundled file names the alphabets of small2 too, which small1 lacks
        given().contentType("application/json").body("{\"format\":\"omniglot\",\"path\":\"" + zip
                        + "\",\"classSplits\":\"" + omniglot.resolve("alphabet-splits.json") + "\"}")
                .when().post("/api/v1/datasets/omniglot-split/import").then().statusCode(400)
                .body("error", containsString("alphabet-splits.json"))
                .body("error", containsString("prefix 'Japanese_(katakana)/' of split 'test' matches no class"));
        given().contentType("application/json").body("{\"format\":\"omniglot\",\"path\":\"" + zip
                        + "\",\"classSplits\":\"/nowhere/splits.json\"}")
                .when().post("/api/v1/datasets/omniglot-split/import").then().statusCode(400)
                .body("fields[0].field", equalTo("classSplits"))
                .body("fields[0].message", containsString("/nowhere/splits.json"));
        Files.writeString(splits, "{\"train\": [\"Balinese/\"\n\"test\": []}");
        given().contentType("application/json").body("{\"format\":\"omniglot\",\"path\":\"" + zip
                        + "\",\"classSplits\":\"" + splits + "\"}")
                .when().post("/api/v1/datasets/omniglot-split/import").then().statusCode(400)
                .body("error", containsString(splits.getFileName().toString()))
                .body("error", containsString("line 2, column 1: malformed JSON"));
        // the failed imports left the first one in place
        given().when().get("/api/v1/datasets/omniglot-split").then().statusCode(200)
                .body("splits.train", equalTo(114 * 20))
                .body("splitClasses", equalTo(Map.of("train", Map.of("classes", 114, "smallestClass", 20),
                        "test", Map.of("classes", 22, "smallestClass", 20))));
    }

    @Test
    void testShareDividesEveryClassBetweenTrainAndTestAndBadSharesAreNamed() {
        Path omniglot = ProjectLayout.locate().bundledData().resolve("omniglot");
        String zip = omniglot.resolve("images_background_small1.zip").toString();
        // 136 characters of 20 drawers: drawers 4, 8, 12, 16 and 20 of each in test
        given().contentType("application/json")
                .body("{\"format\":\"omniglot\",\"path\":\"" + zip + "\",\"imageSize\":28,\"testShare\":0.25}")
                .when().post("/api/v1/datasets/omniglot-drawers/import").then().statusCode(201)
                .body("levels[0].classes.size()", equalTo(136))
                .body("splits.train", equalTo(136 * 15)).body("splits.test", equalTo(136 * 5))
                .body("splits.all", equalTo(null))
                .body("splitClasses", equalTo(Map.of("train", Map.of("classes", 136, "smallestClass", 15),
                        "test", Map.of("classes", 136, "smallestClass", 5))));
        given().contentType("application/json")
                .body("{\"format\":\"omniglot\",\"path\":\"" + zip + "\",\"testShare\":1.0}")
                .when().post("/api/v1/datasets/omniglot-drawers/import").then().statusCode(400)
                .body("fields[0].field", equalTo("testShare"))
                .body("fields[0].message", containsString("between 0 and 1"));
        given().contentType("application/json").body("{\"format\":\"omniglot\",\"path\":\"" + zip
                        + "\",\"testShare\":0.25,\"classSplits\":\"" + omniglot.resolve("alphabet-splits.json") + "\"}")
                .when().post("/api/v1/datasets/omniglot-drawers/import").then().statusCode(400)
                .body("fields[0].field", equalTo("testShare"))
                .body("fields[0].message", containsString("classSplits"));
    }

    @Test
    void aCorruptArchiveIsRejectedNamingItAndLeavesTheCatalogueAsItWas() throws Exception {
        Path good = ProjectLayout.locate().bundledData().resolve("omniglot/images_background_small2.zip");
        Path truncated = Files.createTempFile("small2-truncated", ".zip");
        byte[] bytes = Files.readAllBytes(good);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        given().contentType("application/json").body("{\"format\":\"omniglot\",\"path\":\"" + good + "\"}")
                .when().post("/api/v1/datasets/omniglot-small2/import").then().statusCode(201)
                .body("splits.all", equalTo(156 * 20));
        given().contentType("application/json").body("{\"format\":\"omniglot\",\"path\":\"" + truncated + "\"}")
                .when().post("/api/v1/datasets/omniglot-small2/import").then().statusCode(400)
                .body("error", containsString(truncated.getFileName().toString()));
        // the earlier import is still the dataset, complete
        given().when().get("/api/v1/datasets/omniglot-small2").then().statusCode(200).body("splits.all", equalTo(156 * 20));
        given().contentType("application/json").body("{\"format\":\"cifar-11\",\"path\":\"" + good + "\"}")
                .when().post("/api/v1/datasets/x/import").then().statusCode(400)
                .body("fields[0].field", equalTo("format")).body("fields[0].message", containsString("cifar10"));
    }

    @Test
    void unknownDatasetIsNamed() {
        given().when().get("/api/v1/datasets/cifar-11").then().statusCode(404)
                .body("error", containsString("'cifar-11'"));
    }

    @Test
    void badImportRequestsNameTheirFields() {
        given().contentType("application/json").body("{\"path\":\"/nowhere\"}")
                .when().post("/api/v1/datasets/mnist/import").then().statusCode(400)
                .body("fields[0].field", equalTo("format"));
        given().contentType("application/json").body("{\"format\":\"fashion-mnist\",\"path\":\"/nowhere\"}")
                .when().post("/api/v1/datasets/mnist/import").then().statusCode(400)
                .body("fields[0].field", equalTo("path"));
        given().contentType("application/json").body("{\"format\": ")
                .when().post("/api/v1/datasets/mnist/import").then().statusCode(400)
                .body("error", containsString("line 1"));
    }

    @Test
    void anEpochArrivesInTheOrderGivenBySeedAndEpochWithTheRightImages() throws Exception {
        SplitData train = FashionMnist.read(ProjectLayout.locate().bundledData().resolve("fashion-mnist")).get("train");
        int[] order = EpochOrder.permutation(train.count(), 42, 1);
        List<RejectedRecord> rejected = new ArrayList<>();
        try (BatchStream stream = stream("train", 500, true, rejected)) {
            List<BatchFrame> frames = readEpoch(stream, 1);
            assertEquals(40, frames.size());
            for (int b = 0; b < frames.size(); b++) {
                BatchFrame f = frames.get(b);
                assertEquals(b, f.batchIndex());
                assertEquals(500, f.count());
                for (int k : new int[] {0, 137, 499}) {
                    int example = order[b * 500 + k];
                    assertArrayEquals(Arrays.copyOfRange(train.pixels(), example * 784, (example + 1) * 784),
                            Arrays.copyOfRange(f.pixels(), k * 784, (k + 1) * 784), "batch " + b + " image " + k);
                    assertEquals(train.labels()[example], f.label(k, 0));
                }
            }
        }
        assertTrue(rejected.isEmpty(), rejected.toString());
    }

    @Test
    void twoStreamsWithTheSameSeedAndEpochGetIdenticalBatches() throws Exception {
        List<BatchFrame> first;
        List<BatchFrame> second;
        try (BatchStream a = stream("train", 1000, true, new ArrayList<>())) {
            first = readEpoch(a, 3);
        }
        try (BatchStream b = stream("train", 1000, true, new ArrayList<>())) {
            second = readEpoch(b, 3);
        }
        assertEquals(first, second);
        try (BatchStream c = stream("train", 1000, true, new ArrayList<>())) {
            List<BatchFrame> otherEpoch = readEpoch(c, 4);
            assertTrue(!first.get(0).equals(otherEpoch.get(0)), "epochs 3 and 4 must be ordered differently");
        }
    }

    @Test
    void severalStreamsAreServedAtOnceWithoutWaitingForEachOther() throws Exception {
        // each stream asks at most 16 batches ahead, so neither can finish before the other starts being served
        long[][] times = new long[2][2];
        int[] counts = new int[2];
        List<BatchStream> streams = List.of(stream("train", 25, true, new ArrayList<>()), stream("train", 25, true, new ArrayList<>()));
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<Thread> readers = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int s = 0; s < 2; s++) {
            int which = s;
            readers.add(new Thread(() -> {
                try {
                    go.await();
                    BatchStream.EpochReader reader = streams.get(which).open(which);
                    for (BatchFrame f; (f = reader.next()) != null; ) {
                        long now = System.nanoTime();
                        if (counts[which]++ == 0) {
                            times[which][0] = now;
                        }
                        times[which][1] = now;
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        try {
            readers.forEach(Thread::start);
            go.countDown();
            for (Thread t : readers) {
                t.join(180_000);
            }
        } finally {
            streams.forEach(BatchStream::close);
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertEquals(800, counts[0]);
        assertEquals(800, counts[1]);
        assertTrue(times[1][0] < times[0][1] && times[0][0] < times[1][1], "the two epochs were served overlapping in time");
    }

    @Test
    void evaluationOrderKeepsThePartialLastBatch() throws Exception {
        try (BatchStream stream = stream("test", 3000, false, new ArrayList<>())) {
            List<BatchFrame> frames = readEpoch(stream, 0);
            assertEquals(4, frames.size());
            assertEquals(1000, frames.get(3).count());
            assertEquals(9, frames.get(0).label(0, 0)); // the first Fashion-MNIST test image is an ankle boot
        }
    }

    @Test
    void corruptFramesAreRejectedWithTheirOffsetAndTheStreamCarriesOn() throws Exception {
        List<RejectedRecord> rejected = new ArrayList<>();
        try (BatchStream stream = stream("train", 2000, true, rejected)) {
            BatchStream.EpochReader reader = stream.open(0);
            BatchFrame first = reader.next();
            assertEquals(0, first.batchIndex());
            // garbage lands on the stream's topic between real frames
            String topic = topicOf(stream);
            producer.send(new ProducerRecord<>(topic, "x", "not a frame".getBytes())).get();
            int count = 1;
            for (BatchFrame f; (f = reader.next()) != null; ) {
                assertEquals(count, f.batchIndex());
                count++;
            }
            assertEquals(10, count);
        }
        assertEquals(1, rejected.size(), rejected.toString());
        assertTrue(rejected.get(0).reason().contains("frame"), rejected.get(0).reason());
        assertTrue(rejected.get(0).offset() >= 0);
    }

    @Test
    void anEpochOpenedAtABatchContinuesWithTheSameBatchesAsAWholeEpoch() throws Exception {
        // what a trainer resuming from a checkpoint taken inside an epoch asks for
        List<BatchFrame> whole;
        try (BatchStream stream = stream("train", 2000, true, new ArrayList<>())) {
            whole = readEpoch(stream, 1);
        }
        try (BatchStream stream = stream("train", 2000, true, new ArrayList<>())) {
            BatchStream.EpochReader reader = stream.open(1, 7);
            for (int index = 7; index < whole.size(); index++) {
                BatchFrame frame = reader.next();
                assertEquals(index, frame.batchIndex());
                assertArrayEquals(whole.get(index).pixels(), frame.pixels(), "batch " + index);
                assertArrayEquals(whole.get(index).labels(), frame.labels(), "batch " + index);
            }
            assertNull(reader.next());
        }
    }

    @Test
    void unservableRequestsFailTheStreamWithTheReason() {
        BatchQuery query = new BatchQuery("test-" + UUID.randomUUID(), "no-such-set", "train", 1, 10, true, true);
        try (BatchStream stream = new BatchStream(clients, producer, admin, query, PullStream.Settings.DEFAULT, r -> { })) {
            MessagingException e = assertThrows(MessagingException.class, () -> stream.open(0).next());
            assertTrue(e.getMessage().contains("unknown dataset 'no-such-set'"), e.getMessage());
        }
    }

    @Test
    void augmentedBatchesCarryEveryViewAndAnImpossibleCropIsRefusedByName() throws InterruptedException {
        Augmentation crops = new Augmentation(null, List.of(AugmentStep.of("random-crop", "size", 24, "padding", 2),
                AugmentStep.of("horizontal-flip")), 3);
        BatchQuery query = new BatchQuery("test-" + UUID.randomUUID(), "fashion-mnist", "test", 42, 1000, true, true, crops);
        try (BatchStream stream = new BatchStream(clients, producer, admin, query, PullStream.Settings.DEFAULT, r -> { })) {
            List<BatchFrame> epoch = readEpoch(stream, 0);
            assertEquals(10, epoch.size());
            BatchFrame first = epoch.get(0);
            assertEquals(3 * 1000, first.count());
            assertEquals(24, first.height());
            assertEquals(first.label(17, 0), first.label(1000 + 17, 0), "views repeat the labels");
            assertEquals(first, readEpoch(stream, 0).get(0), "asking again gives the same views");
        }
        Augmentation tooBig = new Augmentation(null, List.of(AugmentStep.of("center-crop", "size", 40)), 1);
        BatchQuery bad = new BatchQuery("test-" + UUID.randomUUID(), "fashion-mnist", "test", 42, 100, true, true, tooBig);
        try (BatchStream stream = new BatchStream(clients, producer, admin, bad, PullStream.Settings.DEFAULT, r -> { })) {
            MessagingException e = assertThrows(MessagingException.class, () -> stream.open(0).next());
            assertTrue(e.getMessage().contains("augment.steps[0]") && e.getMessage().contains("1×28×28"), e.getMessage());
        }
    }

    @Test
    void malformedRequestsAreCountedAndSkipped() throws Exception {
        producer.send(new ProducerRecord<>(Topics.BATCH_REQUESTS, "junk", "{\"streamId\": 5".getBytes())).get();
        // the service still serves the next valid request
        try (BatchStream stream = stream("test", 2500, false, new ArrayList<>())) {
            assertEquals(4, readEpoch(stream, 0).size());
        }
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("metaloop_rejected_records_total{")
                && l.contains("metaloop.batch-requests") && !l.endsWith(" 0.0")), metrics);
        assertTrue(metrics.contains("metaloop_dataset_batches_served_total{"), "batches served metric");
        assertTrue(metrics.contains("metaloop_dataset_bytes_served_total{"), "bytes served metric");
    }

    private static String topicOf(BatchStream stream) {
        return stream.topic();
    }
}
