package io.metaloop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.Normalization;
import io.metaloop.datasets.Batches;
import io.metaloop.datasets.EpochOrder;
import io.metaloop.datasets.FashionMnist;
import io.metaloop.datasets.ShardedSplit;
import io.metaloop.datasets.SplitData;
import io.metaloop.datasets.augment.Augmenter;
import io.metaloop.learning.NativeBackend;
import io.metaloop.learning.eval.AccuracySummary;
import io.metaloop.learning.eval.LinearEvaluation;
import io.metaloop.learning.method.Methods;
import io.metaloop.learning.method.TrainingMethod;
import io.metaloop.learning.model.Classifier;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Self-supervised benchmarks, MetaLoop beside its PyTorch twin ({@code bench/selfsupervised_torch.py})
 * in one invocation, printing tables:
 *
 * <ul>
 * <li>{@code accuracy}: relational reasoning or SimCLR pre-trains the relational-reasoning Conv4 on
 *     the first N images of the bundled Fashion-MNIST training split (labels unused), then linear
 *     evaluation (frozen backbone in evaluation mode, Linear(64, 10), Adam 1e-3, batch 128) trained
 *     on all 20,000 training images and scored on the 10,000 test images. Every augmented batch is
 *     made once by MetaLoop's data plane, stepped by MetaLoop and written (uint8, view-major, in
 *     step order) to a file the twin trains on, so both see identical views in identical order; the
 *     networks are initialised by each library's own random draws. Per seed: both test accuracies,
 *     the untrained backbone's (random weights, the lower bound), seconds per pre-training epoch
 *     (step time only, the data plane's augmentation excluded) and the first and last epochs' mean
 *     losses; then mean, standard deviation and 95 % Student-t half-width over the seeds.
 * <li>{@code speed}: one relational-reasoning training step of Conv4 at 32×32×3 (random uint8
 *     images, CIFAR-10 normalisation), batch 64, K = 4 and K = 32: median over timed steps after
 *     warm-up ones, each configuration in a fresh process, with that process's peak resident memory.
 * </ul>
 */
public final class SelfSupervisedBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DatasetInfo FASHION = new DatasetInfo("fashion-mnist", 1, 28, 28,
            List.of(new DatasetInfo.Level("class", List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"))),
            Map.of("train", 20_000L, "test", 10_000L), null);
    private static final int FEATURE_BATCH = 1000;

    private SelfSupervisedBench() {
    }

    /** {@code accuracy|speed [--name value ...]}; see {@code bench/selfsupervised}. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: bench/selfsupervised accuracy|speed [options]  (see bench/selfsupervised)");
            System.exit(2);
        }
        NativeBackend.configure();
        Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "accuracy" -> accuracy(options);
            case "speed" -> speed(options);
            case "speed-worker" -> speedWorker(options);
            default -> throw new IllegalArgumentException("unknown mode '" + args[0] + "'");
        }
    }

    // ---------------------------------------------------------------- accuracy

    /** One seed's figures for one implementation. */
    record SeedResult(double accuracy, double randomAccuracy, double[] epochSeconds, double[] epochLosses) {
    }

    static void accuracy(Map<String, String> o) throws Exception {
        String method = o.getOrDefault("method", "relational-reasoning");
        boolean rr = method.equals("relational-reasoning");
        if (!rr && !method.equals("simclr")) {
            throw new IllegalArgumentException("--method relational-reasoning|simclr, got " + method);
        }
        int images = Integer.parseInt(o.getOrDefault("images", "2560"));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "2"));
        int batch = Integer.parseInt(o.getOrDefault("batch", rr ? "64" : "128"));
        int views = Integer.parseInt(o.getOrDefault("views", rr ? "4" : "2"));
        long[] seeds = Arrays.stream(o.getOrDefault("seeds", "1,2,3").split(",")).mapToLong(Long::parseLong).toArray();
        int linevalEpochs = Integer.parseInt(o.getOrDefault("lineval-epochs", "100"));
        boolean randomWeights = !o.getOrDefault("random-weights", "yes").equals("no");
        int threads = Runtime.getRuntime().availableProcessors();

        Path root = Path.of(System.getProperty("metaloop.home", "."));
        Map<String, SplitData> splits = FashionMnist.read(root.resolve("data/fashion-mnist"));
        SplitData train = splits.get("train");
        SplitData test = splits.get("test");
        if (images > train.count()) {
            throw new IllegalArgumentException("--images " + images + ": the bundled training split has " + train.count());
        }
        SplitData pretrain = train.head(images);
        long steps = Batches.count(images, batch, true);

        // the linear-evaluation images, once, for the twin
        Path dir = Files.createTempDirectory("metaloop-ssl-");
        Files.write(dir.resolve("train.u8"), train.pixels());
        Files.write(dir.resolve("train_labels.u8"), labelBytes(train));
        Files.write(dir.resolve("test.u8"), test.pixels());
        Files.write(dir.resolve("test_labels.u8"), labelBytes(test));
        ObjectNode config = JSON.createObjectNode();
        config.put("method", method).put("channels", 1).put("height", 28).put("width", 28).put("epochs", epochs)
                .put("batch", batch).put("views", views).put("steps_per_epoch", steps).put("lineval_epochs", linevalEpochs)
                .put("random_weights", randomWeights);
        Files.write(dir.resolve("config.json"), JSON.writeValueAsBytes(config));
        String python = TrainStepBench.pythonWithTorch();
        Path script = root.resolve("bench/selfsupervised_torch.py");
        boolean torch = python != null && Files.exists(script);

        Map<Long, SeedResult> ours = new LinkedHashMap<>();
        Map<Long, SeedResult> theirs = new LinkedHashMap<>();
        ExperimentSpec first = null;
        for (long seed : seeds) {
            String json = """
                    {"method": "%s", "dataset": "fashion-mnist", "backbone": "conv4", "epochs": %d, "batchSize": %d,
                     "seed": %d, "augment": {"preset": "simclr", "views": %d}}""".formatted(method, epochs, batch, seed, views);
            ExperimentSpec spec = Json.read(json, ExperimentSpec.class);
            first = first == null ? spec : first;
            TrainingMethod learner = Methods.create(spec, FASHION);
            double random = randomWeights ? linearEvaluation(learner.model(), train, test, spec, linevalEpochs) : Double.NaN;
            if (randomWeights) {
                System.err.printf("[metaloop] seed %d random weights: %.2f%%%n", seed, 100 * random);
            }

            // the data plane's batches: stepped here, written for the twin
            Augmenter augmenter = new Augmenter(spec.augment(), 1, 28, 28);
            ShardedSplit data = ShardedSplit.inMemory(pretrain);
            Path viewsFile = dir.resolve("views-" + seed + ".u8");
            double[] epochSeconds = new double[epochs];
            double[] epochLosses = new double[epochs];
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(viewsFile), 1 << 20)) {
                for (int epoch = 0; epoch < epochs; epoch++) {
                    int[] order = EpochOrder.permutation(images, seed, epoch);
                    for (long b = 0; b < steps; b++) {
                        BatchFrame frame = Batches.assemble(data, order, epoch, b, batch, true, augmenter, seed);
                        out.write(frame.pixels());
                        long start = System.nanoTime();
                        double loss = learner.step(frame);
                        epochSeconds[epoch] += (System.nanoTime() - start) / 1e9;
                        epochLosses[epoch] += loss / steps;
                        if (!Double.isFinite(loss)) {
                            throw new IllegalStateException("seed " + seed + " epoch " + epoch + " step " + b + ": loss " + loss);
                        }
                    }
                    System.err.printf("[metaloop] seed %d epoch %d/%d: mean loss %.5f, %.1f s%n", seed, epoch + 1, epochs,
                            epochLosses[epoch], epochSeconds[epoch]);
                }
            }
            double accuracy = linearEvaluation(learner.model(), train, test, spec, linevalEpochs);
            System.err.printf("[metaloop] seed %d linear evaluation: %.2f%%%n", seed, 100 * accuracy);
            ours.put(seed, new SeedResult(accuracy, random, epochSeconds, epochLosses));

            if (torch) {
                JsonNode r = lastJson(new ProcessBuilder(python, script.toString(), "train", "--data", dir.toString(), "--seed",
                        String.valueOf(seed), "--threads", String.valueOf(threads)).redirectErrorStream(true).start(), "[torch] ");
                if (r != null) {
                    theirs.put(seed, new SeedResult(r.path("accuracy").asDouble(), r.path("random_accuracy").isNumber() ? r.path("random_accuracy").asDouble() : Double.NaN,
                            doubles(r.path("epoch_seconds")), doubles(r.path("epoch_losses"))));
                }
            }
            Files.deleteIfExists(viewsFile);
        }

        printAccuracyTable(method, first, images, epochs, batch, views, steps, linevalEpochs, ours, theirs, torch, threads);
        deleteTree(dir);
    }

    private static void printAccuracyTable(String method, ExperimentSpec spec, int images, int epochs, int batch, int views,
                                           long steps, int linevalEpochs, Map<Long, SeedResult> ours,
                                           Map<Long, SeedResult> theirs, boolean torch, int threads) {
        boolean rr = method.equals("relational-reasoning");
        System.out.printf("%n%s on Fashion-MNIST (bundled), Conv4 8-16-32-64 (64 features), pixels x/255, no normalisation%n",
                method);
        System.out.printf("pre-training: first %d training images, no labels; %d epochs of %d steps, batch %d × %d views "
                        + "(data plane's simclr preset: resized crop, flip, jitter, grayscale), Adam 1e-3;%n", images, epochs,
                steps, batch, views);
        if (rr) {
            System.out.printf("  relation head 128-256-BN-LReLU-1, cat aggregation, %d pairs/step, focal loss γ %s α %s%n",
                    views * (views - 1) * batch, spec.relationalReasoning().focalGamma(), spec.relationalReasoning().focalAlpha());
        } else {
            System.out.printf("  projection head 64-256-BN-LReLU-64, loss '%s' (−log mean ratio), τ %s%n", spec.simclr().loss(),
                    spec.simclr().temperature());
        }
        System.out.printf("linear evaluation: frozen backbone (eval mode), Linear(64, 10), Adam 1e-3, batch 128, %d epochs, "
                + "trained on 20000 training images, tested on 10000%n", linevalEpochs);
        System.out.printf("%-6s %10s %10s %8s %11s %11s %10s %10s %19s %19s%n", "seed", "MetaLoop", "PyTorch", "diff",
                "random ML", "random PT", "ML s/ep", "PT s/ep", "ML loss first→last", "PT loss first→last");
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        List<Double> d = new ArrayList<>();
        List<Double> ra = new ArrayList<>();
        List<Double> rb = new ArrayList<>();
        List<Double> sa = new ArrayList<>();
        List<Double> sb = new ArrayList<>();
        for (var e : ours.entrySet()) {
            SeedResult m = e.getValue();
            SeedResult t = theirs.get(e.getKey());
            a.add(m.accuracy());
            ra.add(m.randomAccuracy());
            sa.add(TrainStepBench.median(m.epochSeconds()));
            if (t != null) {
                b.add(t.accuracy());
                d.add(m.accuracy() - t.accuracy());
                rb.add(t.randomAccuracy());
                sb.add(TrainStepBench.median(t.epochSeconds()));
            }
            System.out.printf("%-6d %9.2f%% %10s %8s %11s %11s %10.1f %10s %19s %19s%n", e.getKey(), 100 * m.accuracy(),
                    t == null ? "-" : pct(t.accuracy()), t == null ? "-" : String.format("%+.2f", 100 * (m.accuracy() - t.accuracy())),
                    pct(m.randomAccuracy()), t == null ? "-" : pct(t.randomAccuracy()), TrainStepBench.median(m.epochSeconds()),
                    t == null ? "-" : String.format("%.1f", TrainStepBench.median(t.epochSeconds())), losses(m.epochLosses()),
                    t == null ? "-" : losses(t.epochLosses()));
        }
        if (a.size() >= 2) {
            AccuracySummary sA = summary(a);
            AccuracySummary sB = b.size() >= 2 ? summary(b) : null;
            AccuracySummary sD = d.size() >= 2 ? summary(d) : null;
            AccuracySummary rA = summary(ra);
            AccuracySummary rB = rb.size() >= 2 ? summary(rb) : null;
            System.out.printf("%-6s %9.2f%% %10s %8s %11s %11s %10.1f %10s%n", "mean", 100 * sA.mean(),
                    sB == null ? "-" : pct(sB.mean()), sD == null ? "-" : String.format("%+.2f", 100 * sD.mean()), pct(rA.mean()),
                    rB == null ? "-" : pct(rB.mean()), median(sa), sb.isEmpty() ? "-" : String.format("%.1f", median(sb)));
            System.out.printf("%-6s %10.2f %10s %8s %11s %11s%n", "std", 100 * sA.std(),
                    sB == null ? "-" : String.format("%.2f", 100 * sB.std()), sD == null ? "-" : String.format("%.2f", 100 * sD.std()),
                    points(rA.std()), rB == null ? "-" : points(rB.std()));
            System.out.printf("%-6s %10.2f %10s %8s %11s %11s%n", "±t95", 100 * sA.ci95T(),
                    sB == null ? "-" : String.format("%.2f", 100 * sB.ci95T()),
                    sD == null ? "-" : String.format("%.2f", 100 * sD.ci95T()), points(rA.ci95T()),
                    rB == null ? "-" : points(rB.ci95T()));
            if (sD != null) {
                System.out.printf("difference MetaLoop − PyTorch: %+.2f points (paired over %d seeds, ±%.2f t95); goal: within "
                        + "1.5 points%n", 100 * sD.mean(), d.size(), 100 * sD.ci95T());
            }
        }
        if (!torch || theirs.isEmpty()) {
            System.out.println("PyTorch column not measured: no python3 that imports torch (Debian: apt-get install "
                    + "python3-torch), bench/selfsupervised_torch.py missing, or the twin failed (see its [torch] lines)");
        }
        System.out.printf("s/ep = median over epochs of the summed training-step times of one pre-training epoch (data plane's "
                + "augmentation and file writing/reading excluded);%nrandom = the same seed's untrained backbone under the same "
                + "linear evaluation; std = sample std over seeds; ±t95 = Student-t 95%% half-width%n");
        System.out.printf("%s; %d cores; %s %s%n", cpuModel(), threads, System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
    }

    /** Linear-evaluation test accuracy of a backbone (frozen, eval mode), trained on all of {@code train}. */
    static double linearEvaluation(Classifier backbone, SplitData train, SplitData test, ExperimentSpec spec, int epochs) {
        LinearEvaluation.Features trainFeatures = features(backbone, train, spec.normalize());
        LinearEvaluation.Features testFeatures = features(backbone, test, spec.normalize());
        return LinearEvaluation.run(trainFeatures, testFeatures, 10,
                new LinearEvaluation.Settings(epochs, 128, 1e-3, spec.seed())).testAccuracy();
    }

    private static LinearEvaluation.Features features(Classifier backbone, SplitData split, Normalization normalization) {
        LinearEvaluation.Collector collector = new LinearEvaluation.Collector(0);
        ShardedSplit data = ShardedSplit.inMemory(split);
        long batches = Batches.count(split.count(), FEATURE_BATCH, false);
        for (long b = 0; b < batches; b++) {
            BatchFrame frame = Batches.assemble(data, null, 0, b, FEATURE_BATCH, false);
            collector.add(LinearEvaluation.features(backbone, frame, normalization), frame);
        }
        return collector.features();
    }

    private static byte[] labelBytes(SplitData split) {
        byte[] out = new byte[split.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) split.labels()[i * split.labelLevels()];
        }
        return out;
    }

    private static AccuracySummary summary(List<Double> values) {
        return AccuracySummary.of(values.stream().mapToDouble(Double::doubleValue).toArray(), 0);
    }

    private static double median(List<Double> values) {
        return TrainStepBench.median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static String pct(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format("%.2f%%", 100 * fraction);
    }

    private static String points(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format("%.2f", 100 * fraction);
    }

    private static String losses(double[] epochLosses) {
        return epochLosses.length == 0 ? "-"
                : String.format("%.4f→%.4f", epochLosses[0], epochLosses[epochLosses.length - 1]);
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    // ---------------------------------------------------------------- speed

    static void speed(Map<String, String> o) throws Exception {
        int timed = Integer.parseInt(o.getOrDefault("steps", "5"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "2"));
        int threads = Runtime.getRuntime().availableProcessors();
        String python = TrainStepBench.pythonWithTorch();
        Path script = Path.of(System.getProperty("metaloop.home", "."), "bench", "selfsupervised_torch.py");
        boolean torch = python != null && Files.exists(script);
        List<String[]> rows = new ArrayList<>();
        for (int views : new int[] {4, 32}) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx4g", "-Dmetaloop.home=" + System.getProperty("metaloop.home", "."),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                    SelfSupervisedBench.class.getName(), "speed-worker", "--views", String.valueOf(views), "--steps",
                    String.valueOf(timed), "--warmup", String.valueOf(warmup)));
            JsonNode ours = lastJson(new ProcessBuilder(command).redirectErrorStream(true).start(), "[metaloop] ");
            JsonNode theirs = torch ? lastJson(new ProcessBuilder(python, script.toString(), "speed", "--views",
                    String.valueOf(views), "--steps", String.valueOf(timed), "--warmup", String.valueOf(warmup), "--threads",
                    String.valueOf(threads)).redirectErrorStream(true).start(), "[torch] ") : null;
            double a = ours.path("median_seconds").asDouble();
            double b = theirs == null ? Double.NaN : theirs.path("median_seconds").asDouble();
            rows.add(new String[] {String.valueOf(views), String.valueOf(64 * views), String.valueOf(views * (views - 1) * 64),
                    String.format("%.3f", a), theirs == null ? "-" : String.format("%.3f", b),
                    theirs == null ? "-" : String.format("%.2f", a / b), String.format("%.0f", ours.path("peak_rss_mib").asDouble()),
                    theirs == null ? "-" : String.format("%.0f", theirs.path("peak_rss_mib").asDouble())});
        }
        System.out.printf("%nrelational-reasoning training step, Conv4 at 32×32×3 (random uint8 images, CIFAR-10 normalisation), "
                + "batch 64, cat relation head, focal loss, Adam 1e-3%n");
        System.out.printf("%4s %8s %8s %16s %16s %8s %14s %14s%n", "K", "images", "pairs", "MetaLoop s/step", "PyTorch s/step",
                "ratio", "MetaLoop MiB", "PyTorch MiB");
        for (String[] r : rows) {
            System.out.printf("%4s %8s %8s %16s %16s %8s %14s %14s%n", (Object[]) r);
        }
        System.out.printf("median of %d timed steps after %d warm-up steps, each configuration in a fresh process (image "
                + "conversion and normalisation inside the step on both sides);%nratio = MetaLoop ÷ PyTorch (below 1: MetaLoop "
                + "faster); MiB = peak resident set of that process (JVM: VmHWM incl. heap, -Xmx4g; PyTorch: ru_maxrss)%n",
                timed, warmup);
        System.out.printf("%s; %d cores (ND4J default threads; PyTorch torch.set_num_threads(%d)); %s %s%s%n", cpuModel(), threads,
                threads, System.getProperty("java.vm.name"), System.getProperty("java.version"),
                torch ? "" : "; PyTorch not measured (apt-get install python3-torch)");
    }

    /** One configuration's step times on random images, then this process's peak resident memory, as one JSON line. */
    static void speedWorker(Map<String, String> o) throws Exception {
        int views = Integer.parseInt(o.getOrDefault("views", "4"));
        int timed = Integer.parseInt(o.getOrDefault("steps", "5"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "2"));
        int batch = 64;
        String json = """
                {"method": "relational-reasoning", "dataset": "cifar10", "backbone": "conv4", "epochs": 1, "batchSize": %d,
                 "seed": 1, "augment": {"preset": "simclr", "views": %d}}""".formatted(batch, views);
        ExperimentSpec spec = Json.read(json, ExperimentSpec.class);
        DatasetInfo info = new DatasetInfo("cifar10", 3, 32, 32, List.of(new DatasetInfo.Level("class",
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"))), Map.of("train", 50_000L), null);
        TrainingMethod method = Methods.create(spec, info);
        int n = batch * views;
        byte[] pixels = new byte[n * 3 * 32 * 32];
        new Random(0).nextBytes(pixels);
        BatchFrame frame = new BatchFrame(0, 0, 1, n, 3, 32, 32, 1, pixels, new int[n]);
        double[] times = new double[timed];
        for (int s = -warmup; s < timed; s++) {
            long start = System.nanoTime();
            method.step(frame);
            if (s >= 0) {
                times[s] = (System.nanoTime() - start) / 1e9;
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("median_seconds", TrainStepBench.median(times)).put("peak_rss_mib", peakRssMib());
        out.putPOJO("step_seconds", times);
        System.out.println(JSON.writeValueAsString(out));
    }

    // ---------------------------------------------------------------- helpers

    private static JsonNode lastJson(Process p, String prefix) throws Exception {
        JsonNode last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("{")) {
                    last = JSON.readTree(line);
                } else {
                    System.err.println(prefix + line);
                }
            }
        }
        if (p.waitFor() != 0) {
            System.err.println(prefix + "exited with " + p.exitValue());
        }
        return last;
    }

    private static double peakRssMib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    /** The CPU's model name from /proc/cpuinfo, or "CPU unknown". */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            // not Linux: fall through
        }
        return "CPU unknown";
    }

    /** Deletes a folder and everything in it (the benches' temporary data folders). */
    static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** {@code --name value} pairs, in order; refuses anything else. */
    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("options are --name value pairs, got '" + args[i] + "'");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }
}
