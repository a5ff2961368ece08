package io.metaloop.bench;

import io.metaloop.contracts.Augmentation;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.datasets.Batches;
import io.metaloop.datasets.EpochOrder;
import io.metaloop.datasets.FashionMnist;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.datasets.ShardedSplit;
import io.metaloop.learning.NativeBackend;
import io.metaloop.learning.data.Images;
import io.metaloop.learning.method.Supervised;
import io.metaloop.learning.model.ModelSpec;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * How fast the data plane delivers, against how fast a Conv4 trainer consumes, on this machine.
 * Starts Kafka, the S3 server, dataset-service and episode-sampler as in the embedded stack; the
 * consumer here only decodes frames (and, for the "to tensor" row, builds the network's input).
 * The augmented rows count every view as an image the trainer consumes.
 * Each figure is the median of {@code runs} repetitions after one warm-up pass.
 */
public final class DataPlaneBench {
    private DataPlaneBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        NativeBackend.configure();
        ProjectLayout layout = ProjectLayout.locate();
        Path runDir = Files.createTempDirectory("metaloop-bench-");
        List<String[]> rows = new ArrayList<>();
        try (LocalStack stack = LocalStack.start(layout, runDir, List.of("dataset-service", "episode-sampler"),
                line -> System.err.println("[stack] " + line))) {
            ObjectStore store = new ObjectStore(new ObjectStoreConfig(stack.s3Endpoint(), S3Server.ACCESS_KEY,
                    S3Server.SECRET_KEY, LocalStack.BUCKET));
            new DatasetStore(store, DatasetStore.defaultCacheBytes(), Clock.systemUTC()).importDataset("omniglot", "omniglot",
                    layout.bundledData().resolve("omniglot"), ReadOptions.DEFAULTS.withImageSize(28).withRotations(true), 10_000);
            KafkaClients clients = new KafkaClients(stack.kafkaBootstrap(), "bench");
            try (Producer<String, byte[]> producer = new KafkaProducer<>(clients.producer());
                 Admin admin = Admin.create(clients.admin())) {
                // warm-up: one epoch and 100 episodes through every path, so the JITs of all processes are hot
                batchesPerSecond(clients, producer, admin, 999, true, Augmentation.NONE);
                batchesPerSecond(clients, producer, admin, 998, false, Augmentation.preset("simclr", 2));
                episodesPerSecond(clients, producer, admin, 999);
                double batches = median(runs, r -> batchesPerSecond(clients, producer, admin, r, false, Augmentation.NONE));
                rows.add(row("batches over Kafka, decode only", "Fashion-MNIST train, batch 64", batches * 64, batches, "batches/s"));
                double tensors = median(runs, r -> batchesPerSecond(clients, producer, admin, r + 100, true, Augmentation.NONE));
                rows.add(row("batches over Kafka, decode + to tensor", "Fashion-MNIST train, batch 64", tensors * 64, tensors, "batches/s"));
                double cropFlip = median(runs, r -> batchesPerSecond(clients, producer, admin, r + 200, false,
                        Augmentation.preset("crop-flip", 1)));
                rows.add(row("batches, crop-flip on the data side", "Fashion-MNIST train, batch 64", cropFlip * 64, cropFlip, "batches/s"));
                double simclr = median(runs, r -> batchesPerSecond(clients, producer, admin, r + 300, false,
                        Augmentation.preset("simclr", 2)));
                rows.add(row("batches, simclr × 2 views on the data side", "Fashion-MNIST train, batch 64 (128 views)",
                        simclr * 128, simclr, "batches/s"));
                double episodes = median(runs, r -> episodesPerSecond(clients, producer, admin, r));
                rows.add(row("episodes over Kafka, decode only", "Omniglot 28 px, 5-way 1-shot 15-query", episodes * 80, episodes, "episodes/s"));
            }
        } finally {
            LocalStack.deleteRunDirectory(runDir);
        }
        double steps = median(runs, r -> trainerStepsPerSecond(layout));
        rows.add(row("Conv4 training steps, in process", "Fashion-MNIST, batch 64, Adam", steps * 64, steps, "steps/s"));
        double trainerImages = steps * 64;
        System.out.println();
        System.out.printf("%-42s %-40s %12s %14s %10s%n", "what", "data", "images/s", "per second", "headroom");
        for (String[] r : rows) {
            double images = Double.parseDouble(r[2]);
            System.out.printf("%-42s %-40s %12.0f %14s %10s%n", r[0], r[1], images, r[3],
                    r[0].startsWith("Conv4") ? "" : String.format("%.1f×", images / trainerImages));
        }
        System.out.printf("%nmedian of %d runs after a warm-up pass; headroom = delivered images/s ÷ Conv4 training images/s;%n"
                + "%d cores, %s%n", runs, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name")
                + " " + System.getProperty("java.version"));
    }

    private interface Measurement {
        double run(int repetition) throws Exception;
    }

    private static double median(int runs, Measurement m) throws Exception {
        double[] values = new double[runs];
        for (int i = 0; i < runs; i++) {
            values[i] = m.run(i);
        }
        java.util.Arrays.sort(values);
        return runs % 2 == 1 ? values[runs / 2] : (values[runs / 2 - 1] + values[runs / 2]) / 2;
    }

    private static String[] row(String what, String data, double images, double perSecond, String unit) {
        return new String[] {what, data, Double.toString(images), String.format("%.1f %s", perSecond, unit)};
    }

    /** One epoch of the 20,000 bundled training images (312 batches) through a fresh stream. */
    private static double batchesPerSecond(KafkaClients clients, Producer<String, byte[]> producer, Admin admin, int run,
                                           boolean toTensor, Augmentation augment) throws Exception {
        BatchQuery query = new BatchQuery("bench-batches-" + run, "fashion-mnist", "train", 1, 64, true, true, augment);
        try (BatchStream stream = new BatchStream(clients, producer, admin, query, PullStream.Settings.DEFAULT, r -> { })) {
            BatchStream.EpochReader reader = stream.open(run);
            long start = System.nanoTime();
            int count = 0;
            for (BatchFrame f; (f = reader.next()) != null; count++) {
                if (toTensor) {
                    Images.toTensor(f, DataType.FLOAT);
                }
            }
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double episodesPerSecond(KafkaClients clients, Producer<String, byte[]> producer, Admin admin, int run)
            throws Exception {
        EpisodeStream.Query query = new EpisodeStream.Query("bench-episodes-" + run, "omniglot", "all", run, 5, 1, 15);
        try (EpisodeStream stream = new EpisodeStream(clients, producer, admin, query, PullStream.Settings.DEFAULT, r -> { })) {
            PullStream.Reader reader = stream.trials(0, 600);
            long start = System.nanoTime();
            int count = 0;
            while (reader.next() != null) {
                count++;
            }
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** 200 training steps after 30 warm-up steps, batches assembled in memory (no data path). */
    private static double trainerStepsPerSecond(ProjectLayout layout) throws Exception {
        ShardedSplit train = ShardedSplit.inMemory(FashionMnist.read(layout.bundledData().resolve("fashion-mnist")).get("train"));
        Supervised method = new Supervised(new ModelSpec("conv4", 1, 28, 28, 10), 0.003, 1);
        int[] order = EpochOrder.permutation(train.count(), 1, 0);
        List<BatchFrame> batches = new ArrayList<>();
        for (int b = 0; b < 230; b++) {
            batches.add(Batches.assemble(train, order, 0, b, 64, true));
        }
        for (int b = 0; b < 30; b++) {
            method.step(batches.get(b));
        }
        long start = System.nanoTime();
        for (int b = 30; b < 230; b++) {
            method.step(batches.get(b));
        }
        return 200 / ((System.nanoTime() - start) / 1e9);
    }
}
