package io.metaloop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.datasets.DatasetFormats;
import io.metaloop.datasets.EpisodeFrames;
import io.metaloop.datasets.Episodes;
import io.metaloop.datasets.InMemoryDataset;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.datasets.SplitData;
import io.metaloop.datasets.formats.OmniglotReader;
import io.metaloop.learning.NativeBackend;
import io.metaloop.learning.data.MetaBatches;
import io.metaloop.learning.eval.AccuracySummary;
import io.metaloop.learning.eval.FewShotTrials;
import io.metaloop.learning.eval.FewShotValidation;
import io.metaloop.learning.method.Methods;
import io.metaloop.learning.method.TrainingMethod;
import io.metaloop.learning.method.fewshot.Episode;
import io.metaloop.learning.method.fewshot.FewShotLearner;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Few-shot benchmarks, MetaLoop beside its PyTorch twin ({@code bench/fewshot_torch.py}) in one
 * invocation, printing tables (recorded in docs/measurements.md):
 *
 * <ul>
 * <li>{@code accuracy}: MAML, FOMAML or ProtoNets meta-trained on the bundled Omniglot's training
 *     alphabets (28 px, rotations as classes) and tested on its test alphabets, both implementations
 *     on exactly the same training episodes (in the same order) and the same test trials, same
 *     network, configuration and budget; mean accuracy with 95% intervals. {@code reptile} runs
 *     MetaLoop alone (the twin has no Reptile), for its accuracy and meta-step time.
 * <li>{@code speed}: the meta-step time of ConvNet4-32 at 84 px, 5-way 1-shot 15-query, 4 episodes,
 *     5 inner steps, second and first order; peak resident memory at 5, 10 and 20 inner steps, each
 *     in a fresh process.
 * <li>{@code eval}: a 6,000-trial evaluation (MAML, 3 test steps) by one worker on all cores, one
 *     worker pinned to one core, and two workers pinned to one core each (taskset), each worker a
 *     separate JVM scoring its own trial range as an evaluator replica does; the speed-up, and
 *     whether the per-trial results are identical however the trials are split.
 * </ul>
 */
public final class FewShotBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FewShotBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: bench/fewshot accuracy|speed|eval [options]  (see bench/fewshot)");
            System.exit(2);
        }
        NativeBackend.configure();
        Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "accuracy" -> accuracy(options);
            case "speed" -> speed(options);
            case "speed-worker" -> speedWorker(options);
            case "eval" -> evalScaling(options);
            case "eval-worker" -> evalWorker(options);
            default -> throw new IllegalArgumentException("unknown mode '" + args[0] + "'");
        }
    }

    // ---------------------------------------------------------------- accuracy

    /** The bundled Omniglot, 28 px, rotations as classes, split by alphabet. */
    static Map<String, SplitData> omniglot() throws IOException {
        Path root = Path.of(System.getProperty("metaloop.home", ".")).resolve("data/omniglot");
        InMemoryDataset data = new InMemoryDataset();
        DatasetFormats.read(OmniglotReader.FORMAT, root, ReadOptions.DEFAULTS.withImageSize(28).withRotations(true)
                .withClassSplits(root.resolve("alphabet-splits.json")), data);
        return data.splits();
    }

    private static Episodes sampler(SplitData split) {
        int[] labels = EpisodeFrames.primaryLabels(split);
        return new Episodes(labels, Arrays.stream(labels).max().orElse(0) + 1);
    }

    static void accuracy(Map<String, String> o) throws Exception {
        String method = o.getOrDefault("method", "maml");
        int steps = Integer.parseInt(o.getOrDefault("steps", "1000"));
        int ways = Integer.parseInt(o.getOrDefault("ways", "5"));
        int shots = Integer.parseInt(o.getOrDefault("shots", "1"));
        int queries = Integer.parseInt(o.getOrDefault("queries", "15"));
        int metaBatch = Integer.parseInt(o.getOrDefault("meta-batch", "4"));
        int testWays = Integer.parseInt(o.getOrDefault("test-ways", String.valueOf(ways)));
        int testShots = Integer.parseInt(o.getOrDefault("test-shots", String.valueOf(shots)));
        int testQueries = Integer.parseInt(o.getOrDefault("test-queries", "15"));
        int trials = Integer.parseInt(o.getOrDefault("trials", "600"));
        int innerSteps = Integer.parseInt(o.getOrDefault("inner-steps", "5"));
        int testInnerSteps = Integer.parseInt(o.getOrDefault("test-inner-steps", "10"));
        double innerLr = Double.parseDouble(o.getOrDefault("inner-lr", "0.1"));
        double outerLr = Double.parseDouble(o.getOrDefault("outer-lr", "0.001"));
        long seed = Long.parseLong(o.getOrDefault("seed", "1"));
        boolean protonet = method.equals("protonet");

        Map<String, SplitData> splits = omniglot();
        SplitData train = splits.get("train");
        SplitData test = splits.get("test");
        Episodes trainEpisodes = sampler(train);
        Episodes testEpisodes = sampler(test);

        // the experiment, as a user would write it
        ObjectNode spec = JSON.createObjectNode();
        spec.put("method", method).put("dataset", "omniglot").put("backbone", "convnet4").put("seed", seed).put("epochs", 1);
        spec.putObject("episodes").put("ways", ways).put("shots", shots).put("queries", queries).put("metaBatch", metaBatch)
                .put("metaBatchesPerEpoch", steps);
        spec.putObject("optimizer").put("name", "adam").put("learningRate", outerLr);
        spec.putObject("evaluation").put("ways", testWays).put("shots", testShots).put("queries", testQueries)
                .put("trials", trials);
        boolean reptile = method.equals("reptile");
        if (protonet) {
            spec.putObject("protonet").put("batchNorm", o.getOrDefault("batch-norm", "inductive"));
        } else if (reptile) {
            spec.putObject("reptile").put("steps", innerSteps).put("testSteps", testInnerSteps).put("innerLr", innerLr);
            spec.with("optimizer").put("name", "sgd").put("momentum", 0);
        } else {
            ObjectNode section = spec.putObject(method);
            section.putObject("inner").put("steps", innerSteps).put("testSteps", testInnerSteps).put("encoderLr", innerLr)
                    .put("classifierLr", innerLr);
            section.put("batchNorm", "transductive").put("clipGradient", 10.0);
        }
        ExperimentSpec experiment = Json.readStrict(JSON.writeValueAsBytes(spec), ExperimentSpec.class);
        DatasetInfo info = new DatasetInfo("omniglot", 1, 28, 28, List.of(new DatasetInfo.Level("character",
                java.util.stream.IntStream.range(0, 968).mapToObj(i -> "c" + i).toList())), Map.of("train", (long) train.count(),
                "test", (long) test.count()));

        // the same episodes for both implementations, written for the PyTorch twin
        Path dir = Files.createTempDirectory("metaloop-fewshot-");
        int perEpisode = ways * (shots + queries);
        int perTest = testWays * (testShots + testQueries);
        int[][] trainIndices = new int[steps * metaBatch][];
        for (int t = 0; t < trainIndices.length; t++) {
            trainIndices[t] = EpisodeFrames.examples(trainEpisodes.episode(seed, t, ways, shots, queries));
        }
        int[][] testIndices = new int[trials][];
        for (int t = 0; t < trials; t++) {
            testIndices[t] = EpisodeFrames.examples(testEpisodes.episode(0, t, testWays, testShots, testQueries));
        }
        Files.write(dir.resolve("train.u8"), train.pixels());
        Files.write(dir.resolve("test.u8"), test.pixels());
        writeInts(dir.resolve("train_episodes.i32"), trainIndices);
        writeInts(dir.resolve("test_episodes.i32"), testIndices);
        ObjectNode config = JSON.createObjectNode();
        config.put("method", method).put("seed", seed).put("channels", 1).put("height", 28).put("width", 28);
        config.putObject("train").put("ways", ways).put("shots", shots).put("queries", queries).put("metaBatch", metaBatch)
                .put("steps", steps);
        config.putObject("test").put("ways", testWays).put("shots", testShots).put("queries", testQueries).put("trials", trials);
        config.putObject("backbone").put("name", "convnet4").put("width", 32);
        if (protonet) {
            config.putObject("protonet").put("batchNorm", o.getOrDefault("batch-norm", "inductive"));
        } else {
            config.putObject("maml").put("innerSteps", innerSteps).put("testInnerSteps", testInnerSteps).put("innerLr", innerLr)
                    .put("firstOrder", method.equals("fomaml")).put("clip", 10.0);
        }
        config.putObject("optimizer").put("name", "adam").put("lr", outerLr);
        Files.write(dir.resolve("config.json"), JSON.writeValueAsBytes(config));

        // MetaLoop: the method the trainer would build, stepped on the same meta-batches
        TrainingMethod learner = Methods.create(experiment, info);
        double[] stepSeconds = new double[steps];
        long trainStart = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            List<BatchFrame> episodes = new ArrayList<>();
            for (int e = 0; e < metaBatch; e++) {
                episodes.add(EpisodeFrames.frame(train, trainEpisodes.episode(seed, (long) s * metaBatch + e, ways, shots, queries)));
            }
            BatchFrame frame = MetaBatches.concat(episodes, 0, s, steps);
            long start = System.nanoTime();
            double loss = learner.step(frame);
            stepSeconds[s] = (System.nanoTime() - start) / 1e9;
            if ((s + 1) % Math.max(1, steps / 10) == 0) {
                System.err.printf("[metaloop] step %d/%d loss %.4f (%.3f s/step)%n", s + 1, steps, loss, stepSeconds[s]);
            }
        }
        double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
        FewShotLearner.TestSettings settings = FewShotValidation.testSettings(experiment.evaluation());
        FewShotTrials scorer = new FewShotTrials((FewShotLearner) learner, new Episode.Shape(testWays, testShots, testQueries),
                settings, DataType.FLOAT);
        double[] accuracies = new double[trials];
        long testStart = System.nanoTime();
        for (int t = 0; t < trials; t++) {
            accuracies[t] = scorer.score(EpisodeFrames.frame(test, testEpisodes.episode(0, t, testWays, testShots, testQueries)))
                    .accuracy();
        }
        double testSeconds = (System.nanoTime() - testStart) / 1e9;
        AccuracySummary ours = AccuracySummary.of(accuracies, 0);

        JsonNode torch = reptile ? null : runTorch(List.of("train", "--data", dir.toString(), "--threads",
                String.valueOf(Runtime.getRuntime().availableProcessors())));
        System.out.printf("%n%s on Omniglot (bundled: %d training classes, %d test classes of unseen alphabets, 28 px),%n",
                method, Arrays.stream(EpisodeFrames.primaryLabels(train)).distinct().count(),
                Arrays.stream(EpisodeFrames.primaryLabels(test)).distinct().count());
        System.out.printf("trained %d-way %d-shot %d-query, %d meta-steps of %d episodes; tested %d-way %d-shot %d-query, %d trials%n",
                ways, shots, queries, steps, metaBatch, testWays, testShots, testQueries, trials);
        if (!protonet) {
            System.out.printf("inner steps %d (test %d), inner lr %s, %s order, transductive batch norm, Adam %s, clip 10%n",
                    innerSteps, testInnerSteps, innerLr, method.equals("fomaml") ? "first" : "second", outerLr);
        }
        System.out.printf("%-10s %10s %10s %10s %14s %12s %10s%n", "impl", "accuracy", "± t 95%", "± z 95%", "s/meta-step",
                "train s", "test s");
        System.out.printf("%-10s %9.2f%% %9.2f%% %9.2f%% %14.4f %12.1f %10.1f%n", "MetaLoop", 100 * ours.mean(), 100 * ours.ci95T(),
                100 * ours.ci95Z(), TrainStepBench.median(stepSeconds), trainSeconds, testSeconds);
        if (torch != null) {
            System.out.printf("%-10s %9.2f%% %9.2f%% %9.2f%% %14.4f %12.1f %10.1f%n", "PyTorch", 100 * torch.path("mean").asDouble(),
                    100 * torch.path("ci95_t").asDouble(), 100 * torch.path("ci95_z").asDouble(),
                    torch.path("meta_step_seconds_median").asDouble(), torch.path("train_seconds").asDouble(),
                    torch.path("test_seconds").asDouble());
            System.out.printf("difference MetaLoop − PyTorch: %+.2f points; PyTorch %s, %d threads%n",
                    100 * (ours.mean() - torch.path("mean").asDouble()), torch.path("torch").asText(), torch.path("threads").asInt());
        } else {
            System.out.println("PyTorch not measured (apt-get install python3-torch)");
        }
        System.out.printf("%d cores, %s %s; episodes in %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), dir);
    }

    private static void writeInts(Path file, int[][] rows) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int[] row : rows) {
                ByteBuffer b = ByteBuffer.allocate(row.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asIntBuffer().put(row);
                out.write(b.array());
            }
        }
    }

    /** Runs the PyTorch twin; its last JSON line, or null without PyTorch. */
    static JsonNode runTorch(List<String> arguments) throws Exception {
        Path script = Path.of(System.getProperty("metaloop.home", "."), "bench", "fewshot_torch.py");
        String python = TrainStepBench.pythonWithTorch();
        if (python == null || !Files.exists(script)) {
            return null;
        }
        List<String> command = new ArrayList<>(List.of(python, script.toString()));
        command.addAll(arguments);
        return lastJson(new ProcessBuilder(command).redirectErrorStream(true).start(), "[torch] ");
    }

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

    // ---------------------------------------------------------------- speed and memory

    static void speed(Map<String, String> o) throws Exception {
        int timed = Integer.parseInt(o.getOrDefault("steps", "5"));
        System.out.printf("%nMAML meta-step, ConvNet4-32, 84 px, 5-way 1-shot 15-query, 4 episodes (transductive BN, Adam)%n");
        System.out.printf("%-8s %6s %16s %16s %9s %16s %16s%n", "order", "inner", "MetaLoop s/step", "PyTorch s/step", "ratio",
                "MetaLoop MiB", "PyTorch MiB");
        for (String order : List.of("second", "first")) {
            for (int inner : order.equals("second") ? new int[] {5, 10, 20} : new int[] {5}) {
                JsonNode ours = lastJson(new ProcessBuilder(javaCommand("speed-worker", "--order", order, "--inner-steps",
                        String.valueOf(inner), "--steps", String.valueOf(timed + 1))).redirectErrorStream(true).start(), "[metaloop] ");
                JsonNode torch = runTorch(List.of("speed", "--order", order, "--inner-steps", String.valueOf(inner), "--steps",
                        String.valueOf(timed + 1), "--threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
                double a = ours.path("median_seconds").asDouble();
                double b = torch == null ? Double.NaN : torch.path("median_seconds").asDouble();
                System.out.printf("%-8s %6d %16.3f %16s %9s %16.0f %16s%n", order, inner, a,
                        torch == null ? "-" : String.format("%.3f", b), torch == null ? "-" : String.format("%.2f", a / b),
                        ours.path("peak_rss_mib").asDouble(), torch == null ? "-" : String.format("%.0f", torch.path("peak_rss_mib").asDouble()));
            }
        }
        System.out.printf("median of %d timed meta-steps after one warm-up, each configuration in a fresh process;%n"
                + "MiB = peak resident set of that process (JVM: VmHWM, including the heap; PyTorch: ru_maxrss);%n"
                + "ratio = MetaLoop ÷ PyTorch (below 1: MetaLoop faster); %d cores%n", timed,
                Runtime.getRuntime().availableProcessors());
    }

    private static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Dmetaloop.home=" + System.getProperty("metaloop.home", "."),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), FewShotBench.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** One configuration's meta-step times on random images, then this process's peak resident memory. */
    static void speedWorker(Map<String, String> o) throws Exception {
        boolean firstOrder = o.getOrDefault("order", "second").equals("first");
        int inner = Integer.parseInt(o.getOrDefault("inner-steps", "5"));
        int steps = Integer.parseInt(o.getOrDefault("steps", "6"));
        String spec = """
                {"method": "%s", "dataset": "random", "backbone": "convnet4", "epochs": 1,
                 "episodes": {"ways": 5, "shots": 1, "queries": 15, "metaBatch": 4, "metaBatchesPerEpoch": %d},
                 "optimizer": {"name": "adam", "learningRate": 0.001},
                 "%s": {"inner": {"steps": %d, "encoderLr": 0.01, "classifierLr": 0.01}, "batchNorm": "transductive"}}"""
                .formatted(firstOrder ? "fomaml" : "maml", steps, firstOrder ? "fomaml" : "maml", inner);
        ExperimentSpec experiment = Json.readStrict(spec.getBytes(StandardCharsets.UTF_8), ExperimentSpec.class);
        DatasetInfo info = new DatasetInfo("random", 3, 84, 84, List.of(new DatasetInfo.Level("class",
                java.util.stream.IntStream.range(0, 5).mapToObj(i -> "c" + i).toList())), Map.of("train", 80L));
        TrainingMethod method = Methods.create(experiment, info);
        Random random = new Random(0);
        byte[] pixels = new byte[4 * 80 * 3 * 84 * 84];
        random.nextBytes(pixels);
        int[] labels = new int[4 * 80 * 2];
        for (int e = 0; e < 4; e++) {
            for (int i = 0; i < 80; i++) {
                labels[2 * (e * 80 + i)] = i < 5 ? i : (i - 5) / 15;
            }
        }
        BatchFrame frame = new BatchFrame(0, 0, steps, 320, 3, 84, 84, 2, pixels, labels);
        double[] times = new double[steps - 1];
        for (int s = 0; s < steps; s++) {
            long start = System.nanoTime();
            method.step(frame);
            if (s > 0) {
                times[s - 1] = (System.nanoTime() - start) / 1e9;
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("median_seconds", TrainStepBench.median(times)).put("peak_rss_mib", peakRssMib());
        out.putPOJO("step_seconds", times);
        System.out.println(JSON.writeValueAsString(out));
    }

    /** VmHWM of this process, in MiB. */
    private static double peakRssMib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    // ---------------------------------------------------------------- evaluation scaling

    static void evalScaling(Map<String, String> o) throws Exception {
        int trials = Integer.parseInt(o.getOrDefault("trials", "6000"));
        int half = trials / 2;
        System.out.printf("%n%d-trial evaluation: MAML (ConvNet4-32 at 28 px, 3 test inner steps, transductive), 5-way 1-shot "
                + "15-query trials of the bundled Omniglot's test alphabets; each worker a JVM scoring its own trial range%n", trials);
        Map<String, List<List<String>>> setups = new LinkedHashMap<>();
        setups.put("1 worker, all cores", List.of(javaCommand("eval-worker", "--from", "0", "--to", String.valueOf(trials))));
        setups.put("1 worker, 1 core", List.of(pinned("0", "eval-worker", "--from", "0", "--to", String.valueOf(trials))));
        setups.put("2 workers, 1 core each", List.of(pinned("0", "eval-worker", "--from", "0", "--to", String.valueOf(half)),
                pinned("1", "eval-worker", "--from", String.valueOf(half), "--to", String.valueOf(trials))));
        Map<String, Double> wall = new LinkedHashMap<>();
        Map<String, String> fingerprints = new LinkedHashMap<>();
        System.out.printf("%-26s %12s %14s %12s %18s%n", "setup", "wall s", "trials/s", "accuracy", "per-trial SHA-256");
        for (var setup : setups.entrySet()) {
            long start = System.nanoTime();
            List<Process> processes = new ArrayList<>();
            for (List<String> command : setup.getValue()) {
                processes.add(new ProcessBuilder(command).redirectErrorStream(true).start());
            }
            StringBuilder results = new StringBuilder();
            double correct = 0;
            double queries = 0;
            for (Process p : processes) {
                JsonNode r = lastJson(p, "[worker] ");
                for (JsonNode t : r.path("trials")) {
                    results.append(t.asText()).append('\n');
                    String[] f = t.asText().split(":");
                    correct += Integer.parseInt(f[1]);
                    queries += Integer.parseInt(f[2]);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            wall.put(setup.getKey(), seconds);
            String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(results.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16);
            fingerprints.put(setup.getKey(), sha);
            System.out.printf("%-26s %12.1f %14.1f %11.2f%% %18s%n", setup.getKey(), seconds, trials / seconds,
                    100 * correct / queries, sha);
        }
        double speedUp = wall.get("1 worker, 1 core") / wall.get("2 workers, 1 core each");
        System.out.printf("speed-up of 2 one-core workers over 1 one-core worker: %.2f× (goal ≥ 1.8×)%n", speedUp);
        System.out.printf("per-trial results identical in every setup: %s%n",
                fingerprints.values().stream().distinct().count() == 1 ? "yes" : "NO");
        System.out.printf("wall time includes each JVM's start-up and model set-up; %d cores%n",
                Runtime.getRuntime().availableProcessors());
    }

    private static List<String> pinned(String core, String... args) {
        List<String> command = new ArrayList<>(List.of("taskset", "-c", core));
        command.addAll(javaCommand(args));
        return command;
    }

    /** Scores trials [from, to) and prints them as "trial:correct:queries". */
    static void evalWorker(Map<String, String> o) throws Exception {
        long from = Long.parseLong(o.get("from"));
        long to = Long.parseLong(o.get("to"));
        SplitData test = omniglot().get("test");
        Episodes episodes = sampler(test);
        String spec = """
                {"method": "maml", "dataset": "omniglot", "backbone": "convnet4", "epochs": 1, "seed": 1,
                 "episodes": {"ways": 5, "shots": 1, "queries": 15},
                 "maml": {"inner": {"steps": 1, "testSteps": 3, "encoderLr": 0.4, "classifierLr": 0.4}}}""";
        ExperimentSpec experiment = Json.readStrict(spec.getBytes(StandardCharsets.UTF_8), ExperimentSpec.class);
        DatasetInfo info = new DatasetInfo("omniglot", 1, 28, 28, List.of(new DatasetInfo.Level("character",
                java.util.stream.IntStream.range(0, 968).mapToObj(i -> "c" + i).toList())), Map.of("test", (long) test.count()));
        FewShotLearner learner = (FewShotLearner) Methods.create(experiment, info);
        FewShotTrials scorer = new FewShotTrials(learner, new Episode.Shape(5, 1, 15),
                FewShotValidation.testSettings(experiment.evaluation()), DataType.FLOAT);
        List<String> results = new ArrayList<>();
        for (long t = from; t < to; t++) {
            FewShotTrials.Trial trial = scorer.score(EpisodeFrames.frame(test, episodes.episode(0, t, 5, 1, 15)));
            results.add(trial.trial() + ":" + trial.correct() + ":" + trial.queries());
        }
        ObjectNode out = JSON.createObjectNode();
        out.putPOJO("trials", results);
        System.out.println(JSON.writeValueAsString(out));
    }

    private static Map<String, String> options(String[] args) {
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
