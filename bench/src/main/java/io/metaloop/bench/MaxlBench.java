package io.metaloop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.MaxlSpec;
import io.metaloop.datasets.Batches;
import io.metaloop.datasets.EpochOrder;
import io.metaloop.datasets.FashionMnist;
import io.metaloop.datasets.ShardedSplit;
import io.metaloop.datasets.SplitData;
import io.metaloop.learning.NativeBackend;
import io.metaloop.learning.backbone.Backbones;
import io.metaloop.learning.data.Images;
import io.metaloop.learning.method.Methods;
import io.metaloop.learning.method.TrainingMethod;
import io.metaloop.learning.method.auxiliary.AuxiliaryLearning;
import io.metaloop.learning.method.auxiliary.Maxl;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Network;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MAXL benchmarks, MetaLoop beside its PyTorch twin ({@code bench/maxl_torch.py}) in one invocation,
 * on the bundled Fashion-MNIST with a two-level hierarchy: level 0 the 10 classes (unused by the
 * methods), level 1 the primary task, five groups of two classes (tops, warm tops, trousers and
 * dresses, shoes, bags and boots); ψ = [2, 2, 2, 2, 2], so 10 generated auxiliary classes. Conv4
 * 8-16-32-64, pixels x/255 without normalisation, no augmentation. Printing tables:
 *
 * <ul>
 * <li>{@code gradient}: the generator's meta-gradient of one batch, exact and first-order, from
 *     MetaLoop's {@link Maxl#metaStep} at the same weights, written as the twin's gradient
 *     directory and compared by the twin (autograd through the virtual step; finite differences).
 * <li>{@code accuracy}: single, MAXL exact and MAXL first-order trained on the first N training
 *     images and tested on all 10,000 test images, per seed, on both sides, MAXL with the same
 *     schedule on both (two-pass by default, {@code --schedule fused}); like with like: each fresh
 *     method's initial weights are written for the twin ({@code --init}) and so is every data
 *     epoch's example order ({@code --order}), so both start from the same weights and see the
 *     same batches ({@code --shared no}: each side its own random numbers).
 * <li>{@code speed}: seconds per epoch of the three methods on both sides (the twin fused and with
 *     the seed's two passes; MetaLoop's MAXL {@code --schedule}, fused by default), MAXL ÷ Single on
 *     each side; each MetaLoop configuration in a fresh JVM.
 * </ul>
 */
public final class MaxlBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fashion-MNIST class → group: T-shirt, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot. */
    static final int[] GROUP = {0, 2, 1, 2, 1, 3, 0, 3, 4, 4};
    static final List<Integer> PSI = List.of(2, 2, 2, 2, 2);
    static final DatasetInfo DATA = new DatasetInfo("fashion-mnist-groups", 1, 28, 28, List.of(
            new DatasetInfo.Level("class", List.of("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker",
                    "bag", "ankle-boot")),
            new DatasetInfo.Level("group", List.of("tops", "warm-tops", "trousers-dresses", "shoes", "bags-boots"))),
            Map.of("train", 20_000L, "test", 10_000L));
    private static final int PRIMARY_LEVEL = 1;
    private static final int EVAL_BATCH = 1000;
    private static final double GRADIENT_GOAL = 1e-4;
    private static final double ACCURACY_GOAL = 1.5;
    private static final double SPEED_GOAL = 3.0;

    /** One configuration of the comparison: a MetaLoop method and its twin's {@code --method/--meta}. */
    record Variant(String label, String method, String meta) {
        boolean maxl() {
            return method.equals("maxl");
        }
    }

    static final List<Variant> VARIANTS = List.of(new Variant("single", "single", "none"),
            new Variant("maxl exact", "maxl", "exact"), new Variant("maxl first-order", "maxl", "first-order"));

    private MaxlBench() {
    }

    /** {@code gradient|accuracy|speed [--name value ...]}; see {@code bench/maxl}. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: bench/maxl gradient|accuracy|speed [options]  (see bench/maxl)");
            System.exit(2);
        }
        NativeBackend.configure();
        Map<String, String> options = SelfSupervisedBench.options(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "gradient" -> gradient(options);
            case "accuracy" -> accuracy(options);
            case "speed" -> speed(options);
            case "speed-worker" -> speedWorker(options);
            default -> throw new IllegalArgumentException("unknown mode '" + args[0] + "' (gradient, accuracy or speed)");
        }
    }

    // ---------------------------------------------------------------- gradient

    static void gradient(Map<String, String> o) throws Exception {
        int batch = Integer.parseInt(o.getOrDefault("batch", "32"));
        boolean dbl = yes(o.getOrDefault("double", "no"), "double");
        int stepsBefore = Integer.parseInt(o.getOrDefault("steps-before", "5"));
        long seed = Long.parseLong(o.getOrDefault("seed", "1"));
        double lr = Double.parseDouble(o.getOrDefault("lr", "0.1"));
        boolean perTensor = yes(o.getOrDefault("per-tensor", "no"), "per-tensor");
        DataType type = dbl ? DataType.DOUBLE : DataType.FLOAT;
        int threads = Runtime.getRuntime().availableProcessors();

        // fused: the steps before the check move θ and φ (two-pass data epoch 0 would be pass A, θ only)
        ExperimentSpec exactSpec = spec("maxl", "exact", "fused", 1, batch, seed, lr);
        ExperimentSpec firstSpec = spec("maxl", "first-order", "fused", 1, batch, seed, lr);
        if (exactSpec.optimizer().momentum() != 0 || exactSpec.optimizer().weightDecay() != 0) {
            throw new IllegalStateException("the gradient check writes no momentum buffer: needs SGD without momentum and "
                    + "weight decay, got " + exactSpec.optimizer());
        }
        Maxl exact = maxl(exactSpec, type);
        Maxl first = maxl(firstSpec, type);

        // real batches: stepsBefore fused training steps, then the checked batch
        SplitData train = withGroups(fashionMnist().get("train").head(batch * (stepsBefore + 1)));
        ShardedSplit data = ShardedSplit.inMemory(train);
        int[] order = EpochOrder.permutation(train.count(), seed, 0);
        for (int s = 0; s < stepsBefore; s++) {
            double loss = exact.step(Batches.assemble(data, order, 0, s, batch, true));
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("step " + s + " before the check: loss " + loss);
            }
        }
        if (dbl) {
            // the twin reads float32 weights: make the double weights exactly those
            roundToFloat(exact.multiTask().params());
            roundToFloat(exact.generator().network().params());
        }
        // the first-order instance holds the same weights (running statistics irrelevant: batch statistics throughout)
        first.multiTask().params().assign(exact.multiTask().params());
        first.multiTask().buffers().assign(exact.multiTask().buffers());
        first.generator().network().params().assign(exact.generator().network().params());
        first.generator().network().buffers().assign(exact.generator().network().buffers());

        BatchFrame frame = Batches.assemble(data, order, 0, stepsBefore, batch, true);
        INDArray images = Images.toTensor(frame, type);      // no normalisation: x/255, exact in float32
        int[] primary = Images.labels(frame, PRIMARY_LEVEL);
        double alpha = lr;
        Path dir = o.containsKey("dir") ? Path.of(o.get("dir")) : Files.createTempDirectory("metaloop-maxl-gradient-");
        Files.createDirectories(dir);
        // the parameters are written before the meta steps (nothing is stepped by them, but be plain about it)
        writeGradientDir(dir, exact, images, primary, exactSpec.auxiliary(), exactSpec.optimizer().momentum(),
                exactSpec.optimizer().weightDecay(), alpha, batch);
        Maxl.MetaStep se = exact.metaStep(images, primary, alpha);
        writeGradient(dir, "meta_gradient_exact", se.generatorGradient(), dbl);
        Maxl.MetaStep sf = first.metaStep(images, primary, alpha);
        writeGradient(dir, "meta_gradient_first_order", sf.generatorGradient(), dbl);
        Map<String, Double> javaLoss = Map.of("exact", se.primaryLossAfter(), "first-order", sf.primaryLossAfter());
        Map<String, Double> javaNorm = Map.of("exact", se.generatorGradient().norm2Number().doubleValue(), "first-order",
                sf.generatorGradient().norm2Number().doubleValue());

        System.out.printf("%nMAXL generator meta-gradient, MetaLoop (Maxl.metaStep) vs PyTorch twin (autograd), one batch%n");
        System.out.printf("Conv4 8-16-32-64 on 1×28×28 Fashion-MNIST (x/255), ψ %s, batch %d, α %s (the optimiser's rate), "
                        + "momentum 0, weight decay 0, entropy weight %s, focal γ %s, mask ε %s, entropy kept in first-order;%n"
                        + "weights after %d fused MetaLoop training steps (seed %d) on real batches; %s on both sides; "
                        + "every forward with batch statistics%n", PSI, batch, alpha, exactSpec.auxiliary().entropyWeight(),
                exactSpec.auxiliary().focalGamma(), exactSpec.auxiliary().maskEpsilon(), stepsBefore, seed,
                dbl ? "float64 (weights rounded to float32 values first)" : "float32");
        String python = TrainStepBench.pythonWithTorch();
        Path script = script();
        if (python == null || !Files.exists(script)) {
            System.out.printf("PyTorch not available: directory left in %s; MetaLoop ‖exact‖ %.7g, ‖first-order‖ %.7g%n", dir,
                    javaNorm.get("exact"), javaNorm.get("first-order"));
            return;
        }
        JsonNode result = runGradientTwin(python, script, dir, dbl, perTensor, threads);
        boolean ok = printGradientVerdict(result, javaLoss);
        if (!ok && !perTensor && result != null) {
            System.out.printf("%nthe exact rows disagree: per-tensor breakdown%n");
            runGradientTwin(python, script, dir, dbl, true, threads);
        }
        System.out.println(machine(true));
        if (o.containsKey("dir") || yes(o.getOrDefault("keep", "no"), "keep")) {
            System.out.println("gradient directory kept: " + dir);
        } else {
            SelfSupervisedBench.deleteTree(dir);
        }
    }

    private static JsonNode runGradientTwin(String python, Path script, Path dir, boolean dbl, boolean perTensor, int threads)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(python, script.toString(), "gradient", "--dir", dir.toString(),
                "--threads", String.valueOf(threads)));
        if (dbl) {
            command.add("--double");
        }
        if (perTensor) {
            command.add("--per-tensor");
        }
        System.out.println("$ " + String.join(" ", command.subList(1, command.size())));
        // the twin's table goes to stdout, indented
        return lastJson(new ProcessBuilder(command).redirectErrorStream(true).start(), "  ", true);
    }

    /** The comparison's summary and the goal's verdict; true when the exact rows agree within the goal. */
    private static boolean printGradientVerdict(JsonNode result, Map<String, Double> javaLoss) {
        if (result == null || !result.path("rows").isArray()) {
            System.out.println("the twin gave no result (see its output above)");
            return false;
        }
        System.out.printf("%n%-12s %14s %14s %12s %13s %17s %17s%n", "variant", "‖MetaLoop‖", "‖PyTorch‖", "rel diff",
                "max abs diff", "L_pri⁺ MetaLoop", "L_pri⁺ PyTorch");
        double exactRel = Double.NaN;
        for (JsonNode r : result.path("rows")) {
            String variant = r.path("variant").asText();
            System.out.printf("%-12s %14.7g %14.7g %12.3e %13.3e %17.9f %17.9f%n", variant, r.path("java").asDouble(),
                    r.path("torch").asDouble(), r.path("rel").asDouble(), r.path("maxabs").asDouble(),
                    javaLoss.getOrDefault(variant, Double.NaN), r.path("loss_after").asDouble());
            if (variant.equals("exact")) {
                exactRel = r.path("rel").asDouble();
            }
        }
        boolean ok = exactRel <= GRADIENT_GOAL;
        System.out.printf("rel diff = ‖MetaLoop − PyTorch‖ / ‖PyTorch‖ over all generator parameters (%s); L_pri⁺ = primary "
                        + "loss after the virtual step (first-order: at θ')%n", result.path("dtype").asText());
        System.out.printf("goal: exact meta-gradient agrees to %.0e relative — %s (%.3e)%n", GRADIENT_GOAL,
                Double.isNaN(exactRel) ? "NOT CHECKED" : ok ? "MET" : "NOT MET", exactRel);
        return ok;
    }

    private static void writeGradientDir(Path dir, Maxl maxl, INDArray images, int[] primary, MaxlSpec settings, double momentum,
                                         double weightDecay, double alpha, int batch) throws IOException {
        ObjectNode config = JSON.createObjectNode();
        config.put("backbone", "conv4").put("channels", 1).put("height", 28).put("width", 28);
        ArrayNode psi = config.putArray("psi");
        PSI.forEach(psi::add);
        config.put("batch", batch).put("alpha", alpha).put("momentum", momentum).put("weightDecay", weightDecay)
                .put("entropyWeight", settings.entropyWeight()).put("focalGamma", settings.focalGamma())
                .put("maskEpsilon", settings.maskEpsilon()).put("seedEntropy", !settings.firstOrderEntropy());
        Files.write(dir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
        writeNetwork(dir, "multitask", maxl.multiTask());
        writeNetwork(dir, "generator", maxl.generator().network());
        writeF32(dir.resolve("images.f32"), images);
        ByteBuffer labels = ByteBuffer.allocate(4 * primary.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int y : primary) {
            labels.putInt(y);
        }
        Files.write(dir.resolve("primary.i32"), labels.array());
    }

    /** name.json ([{name, shape}] in parameter order) and name.f32 (the parameter vector). */
    private static void writeNetwork(Path dir, String name, Network net) throws IOException {
        ArrayNode entries = JSON.createArrayNode();
        List<Network.Tensor> tensors = net.parameterTensors();
        List<long[]> shapes = net.root().parameterShapes();
        for (int i = 0; i < tensors.size(); i++) {
            ObjectNode e = entries.addObject();
            e.put("name", tensors.get(i).name());
            ArrayNode shape = e.putArray("shape");
            for (long d : shapes.get(i)) {
                shape.add(d);
            }
        }
        Files.write(dir.resolve(name + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(entries));
        writeF32(dir.resolve(name + ".f32"), net.params());
    }

    /** name.f32, and in a float64 run name.f64 too (which the twin then reads: float32 would hide what lies below 6e-8). */
    private static void writeGradient(Path dir, String name, INDArray gradient, boolean dbl) throws IOException {
        writeF32(dir.resolve(name + ".f32"), gradient);
        if (dbl) {
            double[] values = gradient.castTo(DataType.DOUBLE).dup('c').reshape(-1).toDoubleVector();
            ByteBuffer out = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            out.asDoubleBuffer().put(values);
            Files.write(dir.resolve(name + ".f64"), out.array());
        }
    }

    /** Row-major float32, little-endian. */
    private static void writeF32(Path file, INDArray array) throws IOException {
        float[] values = array.castTo(DataType.FLOAT).dup('c').reshape(-1).toFloatVector();
        ByteBuffer out = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(values);
        Files.write(file, out.array());
    }

    private static void roundToFloat(INDArray vector) {
        vector.assign(vector.castTo(DataType.FLOAT).castTo(vector.dataType()));
    }

    private static Maxl maxl(ExperimentSpec spec, DataType type) {
        ModelSpec evalSpec = new ModelSpec(spec.backbone(), DATA.channels(), DATA.height(), DATA.width(), PSI.size(),
                ModelSpec.Head.MLP_HEAD);
        return new Maxl(spec.auxiliary(), evalSpec, () -> Backbones.create(spec.backbone(), DATA.channels(), DATA.height(),
                DATA.width()), spec.optimizer(), spec.epochs(), spec.seed(), spec.normalize(), type);
    }

    // ---------------------------------------------------------------- accuracy

    /**
     * One run's figures (CPU seconds: the process's, all threads; null where not measured). Per epoch of
     * the experiment: seconds over all its passes, the mean training loss of its first pass (MAXL
     * two-pass: pass A's multi-task steps, as the twin reports it); {@code firstLoss} the very first
     * step's training loss.
     */
    record Run(double accuracy, double[] epochSeconds, double[] epochCpuSeconds, double[] epochLosses, double firstLoss) {
    }

    static void accuracy(Map<String, String> o) throws Exception {
        int images = Integer.parseInt(o.getOrDefault("images", "4000"));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "2"));
        int batch = Integer.parseInt(o.getOrDefault("batch", "64"));
        long[] seeds = Arrays.stream(o.getOrDefault("seeds", "1,2,3").split(",")).mapToLong(Long::parseLong).toArray();
        double lr = Double.parseDouble(o.getOrDefault("lr", "0.1"));
        String schedule = o.getOrDefault("schedule", "two-pass");
        boolean shared = yes(o.getOrDefault("shared", "yes"), "shared");
        boolean keep = yes(o.getOrDefault("keep", "no"), "keep");
        if (!MaxlSpec.SCHEDULES.contains(schedule)) {
            throw new IllegalArgumentException("--schedule two-pass|fused, got " + schedule);
        }
        int threads = Runtime.getRuntime().availableProcessors();

        Map<String, SplitData> splits = fashionMnist();
        if (images > splits.get("train").count()) {
            throw new IllegalArgumentException("--images " + images + ": the bundled training split has "
                    + splits.get("train").count());
        }
        SplitData train = withGroups(splits.get("train").head(images));
        SplitData test = withGroups(splits.get("test"));
        Path dir = writeTrainDir(train, test);
        String python = TrainStepBench.pythonWithTorch();
        boolean torch = python != null && Files.exists(script());

        Map<Variant, Map<Long, Run>> ours = new LinkedHashMap<>();
        Map<Variant, Map<Long, Run>> theirs = new LinkedHashMap<>();
        for (long seed : seeds) {
            // the example order of every data epoch the runs of this seed use: MetaLoop's EpochOrder
            // (single and fused MAXL: data epoch e in epoch e; two-pass MAXL: 2e pass A, 2e + 1 pass B)
            Path order = dir.resolve("order-" + seed + ".i32");
            if (shared) {
                writeOrder(order, train.count(), seed, 2 * epochs);
            }
            for (Variant v : VARIANTS) {
                ExperimentSpec spec = spec(v.method(), v.meta(), schedule, epochs, batch, seed, lr);
                TrainingMethod method = Methods.create(spec, DATA);
                // the fresh method's weights, before any step, for the twin to start from
                Path init = dir.resolve("init-" + v.method() + (v.maxl() ? "-" + v.meta() : "") + "-" + seed);
                if (shared) {
                    writeInit(init, method);
                }
                Run run = train(method, train, epochs, batch, seed, v.label(), true);
                double accuracy = testAccuracy(method, test);
                System.err.printf("[metaloop] %s seed %d: test accuracy %.2f%%%n", v.label(), seed, 100 * accuracy);
                ours.computeIfAbsent(v, k -> new LinkedHashMap<>()).put(seed, new Run(accuracy, run.epochSeconds(),
                        run.epochCpuSeconds(), run.epochLosses(), run.firstLoss()));
                if (torch) {
                    JsonNode r = runTrainTwin(python, dir, v, schedule, epochs, batch, lr, seed, "final", threads,
                            shared ? init : null, shared ? order : null);
                    if (r != null && r.path("accuracy").isNumber()) {
                        theirs.computeIfAbsent(v, k -> new LinkedHashMap<>()).put(seed, new Run(r.path("accuracy").asDouble() / 100,
                                doubles(r.path("epoch_seconds")), doubles(r.path("epoch_cpu_seconds")),
                                doubles(r.path("epoch_losses")), r.path("first_loss").asDouble(Double.NaN)));
                    }
                }
            }
        }

        System.out.printf("%nMAXL on Fashion-MNIST (bundled), primary = 5 groups of 2 classes, ψ [2,2,2,2,2] (10 auxiliary "
                + "classes); Conv4 8-16-32-64 (64 features), MLP heads, focal loss γ 2, pixels x/255, no normalisation, "
                + "no augmentation%n");
        System.out.printf("trained on the first %d training images, %d epochs, batch %d (last partial batch kept), SGD %s without "
                        + "momentum; generator SGD 1e-3, weight decay 5e-4; MAXL's schedule %s on both sides (PyTorch: "
                        + "--schedule %s);%ntested on all 10000 test images: argmax of the primary head, evaluation mode "
                        + "(running statistics); %s%n", images, epochs, batch, lr, schedule, schedule,
                shared ? "both sides start from MetaLoop's initial weights of each method and seed (PyTorch: --init) and see "
                        + "the same batches, MetaLoop's EpochOrder of each data epoch (PyTorch: --order)"
                        : "each side shuffles and initialises with its own random numbers (--shared no)");
        System.out.printf("%-17s | %-22s | %-14s | %-22s | %-14s | %s%n", "method", "MetaLoop per seed", "mean ± std",
                "PyTorch per seed", "mean ± std", "difference");
        List<String> verdicts = new ArrayList<>();
        for (Variant v : VARIANTS) {
            double[] a = accuracies(ours.get(v), seeds);
            double[] b = accuracies(theirs.get(v), seeds);
            double diff = 100 * (mean(a) - mean(b));
            System.out.printf("%-17s | %-22s | %-14s | %-22s | %-14s | %s%n", v.label(), perSeed(a), meanStd(a), perSeed(b),
                    meanStd(b), Double.isNaN(diff) ? "-" : String.format("%+.2f points", diff));
            if (!Double.isNaN(diff)) {
                verdicts.add(v.label() + " " + (Math.abs(diff) <= ACCURACY_GOAL ? "met" : "NOT MET")
                        + String.format(" (%+.2f)", diff));
            }
        }
        System.out.printf("seeds %s; accuracies in %%; difference = mean MetaLoop − mean PyTorch%n",
                Arrays.toString(seeds).replace(" ", ""));
        System.out.printf("%nfirst step's training loss (%s) and mean training loss per epoch, seed by seed%n",
                "single: L_pri; MAXL: L_pri + L_aux at θ, the first multi-task step");
        System.out.printf("%-17s %5s | %14s %14s %10s | %s%n", "method", "seed", "step 1 MetaLoop", "step 1 PyTorch", "|diff|",
                "epoch losses MetaLoop / PyTorch");
        for (Variant v : VARIANTS) {
            for (long seed : seeds) {
                Run a = ours.getOrDefault(v, Map.of()).get(seed);
                Run b = theirs.getOrDefault(v, Map.of()).get(seed);
                double fa = a == null ? Double.NaN : a.firstLoss();
                double fb = b == null ? Double.NaN : b.firstLoss();
                System.out.printf("%-17s %5d | %14s %14s %10s | %s / %s%n", v.label(), seed, fmt(fa, "%.9f"), fmt(fb, "%.9f"),
                        fmt(Math.abs(fa - fb), "%.2e"), losses(a), losses(b));
            }
        }
        System.out.printf("seconds per epoch (median over the epochs): %s%n", secondsLine(ours, theirs));
        long steps = epochs * Batches.count(images, batch, false);
        double initialShare = Math.pow(0.9, steps);
        if (initialShare > 0.01) {
            System.out.printf("note: only %d training steps: the BatchNorm running statistics (momentum 0.1) still carry %.0f%% of "
                    + "their initial values (mean 0, variance 1), which evaluation mode uses; accuracies this short say little%n",
                    steps, 100 * initialShare);
        }
        System.out.printf("goal: a short training run's accuracy within %.1f points — %s%n", ACCURACY_GOAL,
                verdicts.isEmpty() ? "NOT CHECKED (PyTorch not measured)" : String.join(", ", verdicts));
        System.out.println(machine(torch));
        if (keep) {
            System.out.println("twin directory kept: " + dir);
        } else {
            SelfSupervisedBench.deleteTree(dir);
        }
    }

    private static String losses(Run run) {
        if (run == null || run.epochLosses() == null || run.epochLosses().length == 0) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        for (double l : run.epochLosses()) {
            parts.add(String.format("%.5f", l));
        }
        return String.join(" ", parts);
    }

    /**
     * The initial weights of a freshly created method in the gradient directory's format:
     * multitask.json/.f32 (exactly {@link AuxiliaryLearning#multiTask()}: single's has no auxiliary
     * head) and, for MAXL, generator.json/.f32. The running statistics are not written: they start at
     * mean 0, variance 1 on both sides (checked here).
     */
    static void writeInit(Path dir, TrainingMethod method) throws IOException {
        if (!(method instanceof AuxiliaryLearning learning)) {
            throw new IllegalArgumentException("not an auxiliary-learning method: " + method.name());
        }
        Files.createDirectories(dir);
        writeNetwork(dir, "multitask", learning.multiTask());
        checkFreshStatistics(learning.multiTask(), "multitask");
        if (learning instanceof Maxl maxl) {
            writeNetwork(dir, "generator", maxl.generator().network());
            checkFreshStatistics(maxl.generator().network(), "generator");
        }
    }

    /** Every BatchNorm's running mean 0 and variance 1 (buffers laid out mean, variance per layer), as PyTorch's start. */
    private static void checkFreshStatistics(Network net, String what) {
        List<Network.Tensor> buffers = net.bufferTensors();
        for (Network.Tensor t : buffers) {
            INDArray view = net.buffers().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(t.offset(), t.offset() + t.length()));
            double want = t.name().endsWith("running_var") ? 1 : 0;
            double worst = view.sub(want).amaxNumber().doubleValue();
            if (worst != 0) {
                throw new IllegalStateException(what + " buffer " + t.name() + " does not start at " + want);
            }
        }
    }

    /** {@code dataEpochs} rows of {@code n} int32 (little-endian): EpochOrder.permutation(n, seed, e) for e = 0, 1, … */
    static void writeOrder(Path file, int n, long seed, int dataEpochs) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(4 * n * dataEpochs).order(ByteOrder.LITTLE_ENDIAN);
        for (int e = 0; e < dataEpochs; e++) {
            for (int i : EpochOrder.permutation(n, seed, e)) {
                out.putInt(i);
            }
        }
        Files.write(file, out.array());
    }

    private static String secondsLine(Map<Variant, Map<Long, Run>> ours, Map<Variant, Map<Long, Run>> theirs) {
        List<String> parts = new ArrayList<>();
        for (Variant v : VARIANTS) {
            parts.add(String.format("%s %s / %s", v.label(), medianSeconds(ours.get(v)), medianSeconds(theirs.get(v))));
        }
        return String.join(", ", parts) + " (MetaLoop / PyTorch)";
    }

    private static String medianSeconds(Map<Long, Run> runs) {
        if (runs == null || runs.isEmpty()) {
            return "-";
        }
        return String.format("%.1f", TrainStepBench.median(runs.values().stream().flatMapToDouble(r -> Arrays.stream(r.epochSeconds()))
                .toArray()));
    }

    private static double[] accuracies(Map<Long, Run> runs, long[] seeds) {
        if (runs == null) {
            return new double[0];
        }
        return Arrays.stream(seeds).filter(runs::containsKey).mapToDouble(s -> runs.get(s).accuracy()).toArray();
    }

    private static String perSeed(double[] values) {
        if (values.length == 0) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        for (double v : values) {
            parts.add(String.format("%.2f", 100 * v));
        }
        return String.join(" ", parts);
    }

    private static String meanStd(double[] values) {
        if (values.length == 0) {
            return "-";
        }
        double sd = std(values);
        return Double.isNaN(sd) ? String.format("%.2f", 100 * mean(values)) : String.format("%.2f ± %.2f", 100 * mean(values), 100 * sd);
    }

    private static double mean(double[] values) {
        return values.length == 0 ? Double.NaN : Arrays.stream(values).average().orElse(Double.NaN);
    }

    /** The sample standard deviation (n − 1); NaN below two values. */
    private static double std(double[] values) {
        if (values.length < 2) {
            return Double.NaN;
        }
        double m = mean(values);
        return Math.sqrt(Arrays.stream(values).map(v -> (v - m) * (v - m)).sum() / (values.length - 1));
    }

    /**
     * Trains {@code epochs} epochs of the experiment, each {@link TrainingMethod#passesPerEpoch()} data
     * epochs (two-pass MAXL: data epoch 2e is epoch e's pass A, 2e + 1 its pass B), data epoch d in the
     * order {@code EpochOrder.permutation(n, seed, d)}, last partial batch kept.
     */
    static Run train(TrainingMethod method, SplitData train, int epochs, int batch, long seed, String label, boolean log) {
        ShardedSplit data = ShardedSplit.inMemory(train);
        long steps = Batches.count(train.count(), batch, false);
        int passes = method.passesPerEpoch();
        double[] seconds = new double[epochs];
        double[] cpu = new double[epochs];
        double[] losses = new double[epochs];
        double first = Double.NaN;
        for (int epoch = 0; epoch < epochs; epoch++) {
            long start = System.nanoTime();
            long startCpu = processCpuNanos();
            for (int pass = 0; pass < passes; pass++) {
                int dataEpoch = epoch * passes + pass;
                int[] order = EpochOrder.permutation(train.count(), seed, dataEpoch);
                for (long b = 0; b < steps; b++) {
                    double loss = method.step(Batches.assemble(data, order, dataEpoch, b, batch, false));
                    if (!Double.isFinite(loss)) {
                        throw new IllegalStateException(label + " seed " + seed + " epoch " + epoch + " pass " + pass + " step " + b
                                + ": loss " + loss);
                    }
                    if (dataEpoch == 0 && b == 0) {
                        first = loss;
                        if (log) {
                            System.err.printf("[metaloop] %s seed %d step 1: training loss %.9f%n", label, seed, loss);
                        }
                    }
                    if (pass == 0) {
                        losses[epoch] += loss / steps;
                    }
                }
            }
            seconds[epoch] = (System.nanoTime() - start) / 1e9;
            cpu[epoch] = (processCpuNanos() - startCpu) / 1e9;
            if (log) {
                System.err.printf("[metaloop] %s seed %d epoch %d/%d: mean loss %.5f, %.1f s%n", label, seed, epoch + 1, epochs,
                        losses[epoch], seconds[epoch]);
            }
        }
        return new Run(Double.NaN, seconds, cpu, losses, first);
    }

    /** CPU time of this process, all threads (ND4J's native ones included), in nanoseconds; -1 where unknown. */
    private static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** Fraction of test images whose primary (group) label is the evaluated model's argmax, evaluation mode. */
    static double testAccuracy(TrainingMethod method, SplitData test) {
        ShardedSplit data = ShardedSplit.inMemory(test);
        long batches = Batches.count(test.count(), EVAL_BATCH, false);
        long correct = 0;
        var model = method.model();
        for (long b = 0; b < batches; b++) {
            BatchFrame frame = Batches.assemble(data, null, 0, b, EVAL_BATCH, false);
            int[] predicted = model.predict(Images.toTensor(frame, DataType.FLOAT));
            int[] labels = Images.labels(frame, PRIMARY_LEVEL);
            for (int i = 0; i < labels.length; i++) {
                correct += predicted[i] == labels[i] ? 1 : 0;
            }
        }
        return (double) correct / test.count();
    }

    /** The twin's train mode; {@code init} (initial weights) and {@code order} (per data epoch) may be null: its own. */
    private static JsonNode runTrainTwin(String python, Path dir, Variant v, String schedule, int epochs, int batch, double lr,
                                         long seed, String eval, int threads, Path init, Path order) throws Exception {
        List<String> command = new ArrayList<>(List.of(python, script().toString(), "train", "--data", dir.toString(), "--method",
                v.method(), "--epochs", String.valueOf(epochs), "--batch", String.valueOf(batch), "--lr", String.valueOf(lr),
                "--seed", String.valueOf(seed), "--eval", eval, "--threads", String.valueOf(threads)));
        if (v.maxl()) {
            command.addAll(List.of("--meta", v.meta(), "--schedule", schedule));
        }
        if (init != null) {
            command.addAll(List.of("--init", init.toString()));
        }
        if (order != null) {
            command.addAll(List.of("--order", order.toString()));
        }
        return lastJson(new ProcessBuilder(command).redirectErrorStream(true).start(), "[torch] ", false);
    }

    /** The twin's train directory: uint8 images, the group labels, config without normalisation. */
    private static Path writeTrainDir(SplitData train, SplitData test) throws IOException {
        Path dir = Files.createTempDirectory("metaloop-maxl-");
        Files.write(dir.resolve("train.u8"), train.pixels());
        Files.write(dir.resolve("train_primary.u8"), levelBytes(train, PRIMARY_LEVEL));
        Files.write(dir.resolve("test.u8"), test.pixels());
        Files.write(dir.resolve("test_primary.u8"), levelBytes(test, PRIMARY_LEVEL));
        ObjectNode config = JSON.createObjectNode();
        config.put("backbone", "conv4").put("channels", 1).put("height", 28).put("width", 28);
        ArrayNode psi = config.putArray("psi");
        PSI.forEach(psi::add);
        Files.write(dir.resolve("config.json"), JSON.writeValueAsBytes(config));
        return dir;
    }

    // ---------------------------------------------------------------- speed

    static void speed(Map<String, String> o) throws Exception {
        int images = Integer.parseInt(o.getOrDefault("images", "2000"));
        int batch = Integer.parseInt(o.getOrDefault("batch", "64"));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "2"));
        double lr = Double.parseDouble(o.getOrDefault("lr", "0.1"));
        // MetaLoop's MAXL schedule here (fused by default, as the speed goal was set; the accuracy mode's default is two-pass)
        String schedule = o.getOrDefault("schedule", "fused");
        if (epochs < 2) {
            throw new IllegalArgumentException("--epochs must be at least 2: the first epoch is not timed");
        }
        if (!MaxlSpec.SCHEDULES.contains(schedule)) {
            throw new IllegalArgumentException("--schedule two-pass|fused, got " + schedule);
        }
        int threads = Runtime.getRuntime().availableProcessors();
        String python = TrainStepBench.pythonWithTorch();
        boolean torch = python != null && Files.exists(script());
        Map<String, SplitData> splits = fashionMnist();
        Path dir = torch ? writeTrainDir(withGroups(splits.get("train").head(images)), withGroups(splits.get("test").head(EVAL_BATCH)))
                : null;

        // per variant: {wall, cpu} seconds per epoch (median over the epochs after the first)
        Map<Variant, double[]> ours = new LinkedHashMap<>();
        Map<Variant, double[]> fused = new LinkedHashMap<>();
        Map<Variant, double[]> twoPass = new LinkedHashMap<>();
        for (Variant v : VARIANTS) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx4g", "-Dmetaloop.home=" + System.getProperty("metaloop.home", "."),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                    MaxlBench.class.getName(), "speed-worker", "--method", v.method(), "--meta", v.meta(), "--images",
                    String.valueOf(images), "--batch", String.valueOf(batch), "--epochs", String.valueOf(epochs), "--lr",
                    String.valueOf(lr), "--schedule", schedule));
            // the worker's own log lines already start with [metaloop]
            ours.put(v, timed(lastJson(new ProcessBuilder(command).redirectErrorStream(true).start(), "", false)));
            if (torch) {
                fused.put(v, timed(runTrainTwin(python, dir, v, "fused", epochs, batch, lr, 1, "none", threads, null, null)));
                if (v.maxl()) {
                    twoPass.put(v, timed(runTrainTwin(python, dir, v, "two-pass", epochs, batch, lr, 1, "none", threads, null, null)));
                }
            }
        }

        System.out.printf("%nMAXL training speed: seconds per epoch, %d Fashion-MNIST images (1×28×28, x/255), batch %d, "
                        + "Conv4 8-16-32-64, ψ [2,2,2,2,2]; median over epochs 2..%d (the first is not timed); MetaLoop's MAXL %s "
                        + "(--schedule)%n", images, batch, epochs, schedule);
        boolean oursFused = schedule.equals("fused");
        Map<Variant, double[]> same = oursFused ? fused : twoPass;
        System.out.printf("%-17s %11s %16s %19s %17s %13s %20s%n", "method", "MetaLoop s", "PyTorch fused s", "PyTorch two-pass s",
                "ML ÷ PT " + schedule, "MetaLoop CPU", "PyTorch " + schedule + " CPU");
        Variant single = VARIANTS.get(0);
        for (Variant v : VARIANTS) {
            double[] a = ours.get(v);
            double[] b = fused.getOrDefault(v, NONE);
            double[] c = v.maxl() ? twoPass.getOrDefault(v, NONE) : b;
            double[] d = v.maxl() ? same.getOrDefault(v, NONE) : b;
            System.out.printf("%-17s %11s %16s %19s %17s %13s %20s%n", v.label(), fmt(a[0], "%.2f"), fmt(b[0], "%.2f"),
                    v.maxl() ? fmt(c[0], "%.2f") : "(same)", fmt(a[0] / d[0], "%.2f"), fmt(a[1], "%.2f"), fmt(d[1], "%.2f"));
        }
        System.out.printf("%nMAXL ÷ Single (epoch time)%n%-17s %10s %14s %17s %15s %23s%n", "method", "MetaLoop", "PyTorch fused",
                "PyTorch two-pass", "MetaLoop (CPU)", "PyTorch " + schedule + " (CPU)");
        double ratioExact = Double.NaN;
        for (Variant v : VARIANTS.subList(1, VARIANTS.size())) {
            double[] a = ours.get(v);
            double[] b = fused.getOrDefault(v, NONE);
            double[] c = twoPass.getOrDefault(v, NONE);
            double[] d = same.getOrDefault(v, NONE);
            double[] sa = ours.get(single);
            double[] sb = fused.getOrDefault(single, NONE);
            if (v.meta().equals("exact")) {
                ratioExact = a[0] / sa[0];
            }
            System.out.printf("%-17s %10s %14s %17s %15s %23s%n", v.label(), fmt(a[0] / sa[0], "%.2f×"), fmt(b[0] / sb[0], "%.2f×"),
                    fmt(c[0] / sb[0], "%.2f×"), fmt(a[1] / sa[1], "%.2f×"), fmt(d[1] / sb[1], "%.2f×"));
        }
        System.out.printf("MetaLoop: each method in a fresh JVM, epoch = its batches' assembly and training steps (two-pass: both "
                + "passes); PyTorch: "
                + "bench/maxl_torch.py train --eval none (MAXL fused: MetaLoop's one-pass schedule; two-pass: the seed's pass A "
                + "+ pass B); evaluation excluded on both sides;%nCPU = the process's CPU seconds per epoch, all threads (steadier "
                + "than wall time when other work shares the cores)%n");
        System.out.printf("goal: exact MAXL ≤ %.0f × Single's epoch time — %s (MetaLoop %s)%n", SPEED_GOAL,
                Double.isNaN(ratioExact) ? "NOT CHECKED" : ratioExact <= SPEED_GOAL ? "MET" : "NOT MET", fmt(ratioExact, "%.2f×"));
        System.out.println(machine(torch));
        if (dir != null) {
            SelfSupervisedBench.deleteTree(dir);
        }
    }

    private static final double[] NONE = {Double.NaN, Double.NaN};

    /** {wall, cpu} seconds per epoch of a run's JSON line, each the median over the epochs after the first; NaN when missing. */
    private static double[] timed(JsonNode result) {
        if (result == null) {
            return NONE;
        }
        return new double[] {timed(doubles(result.path("epoch_seconds"))), timed(doubles(result.path("epoch_cpu_seconds")))};
    }

    /** The machine line printed under each table: CPU, cores, JVM, and the load average (other work shares the cores). */
    private static String machine(boolean torch) {
        int threads = Runtime.getRuntime().availableProcessors();
        return String.format("%s; %d cores (ND4J default threads; PyTorch torch.set_num_threads(%d)); %s %s; load average %.2f "
                        + "at the end%s", SelfSupervisedBench.cpuModel(), threads, threads, System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                torch ? "" : "; PyTorch not measured (apt-get install python3-torch)");
    }

    /** One method's epochs on the first N training images, as one JSON line {"epoch_seconds": [...]}. */
    static void speedWorker(Map<String, String> o) throws Exception {
        String method = o.getOrDefault("method", "maxl");
        String meta = o.getOrDefault("meta", "exact");
        int images = Integer.parseInt(o.getOrDefault("images", "2000"));
        int batch = Integer.parseInt(o.getOrDefault("batch", "64"));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "2"));
        double lr = Double.parseDouble(o.getOrDefault("lr", "0.1"));
        String schedule = o.getOrDefault("schedule", "fused");
        SplitData train = withGroups(fashionMnist().get("train").head(images));
        TrainingMethod learner = Methods.create(spec(method, meta, schedule, epochs, batch, 1, lr), DATA);
        Run run = train(learner, train, epochs, batch, 1, method + (method.equals("maxl") ? " " + meta : ""), true);
        ObjectNode out = JSON.createObjectNode();
        out.putPOJO("epoch_seconds", run.epochSeconds());
        out.putPOJO("epoch_cpu_seconds", run.epochCpuSeconds());
        out.putPOJO("epoch_losses", run.epochLosses());
        System.out.println(JSON.writeValueAsString(out));
    }

    /** Median over the epochs after the first; NaN when missing. */
    private static double timed(double[] epochSeconds) {
        if (epochSeconds == null || epochSeconds.length < 2) {
            return Double.NaN;
        }
        return TrainStepBench.median(Arrays.copyOfRange(epochSeconds, 1, epochSeconds.length));
    }

    private static String fmt(double value, String format) {
        return Double.isNaN(value) ? "-" : String.format(format, value);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The experiment of one method: conv4, the group level as primary, SGD {@code lr} without momentum
     * (the family's default StepLR(50, 0.5)); MAXL with {@code schedule} ({@code two-pass} or {@code fused})
     * set explicitly, whatever the default.
     */
    static ExperimentSpec spec(String method, String meta, String schedule, int epochs, int batch, long seed, double lr) {
        String section = method.equals("maxl") ? ",\"maxl\":{\"psi\":" + PSI.toString().replace(" ", "") + ",\"metaGradient\":\""
                + meta + "\",\"schedule\":\"" + schedule + "\"}" : "";
        return Json.read("{\"method\":\"" + method + "\",\"dataset\":\"fashion-mnist-groups\",\"backbone\":\"conv4\",\"epochs\":"
                + epochs + ",\"batchSize\":" + batch + ",\"seed\":" + seed + ",\"optimizer\":{\"learningRate\":" + lr + "}" + section
                + "}", ExperimentSpec.class);
    }

    static Map<String, SplitData> fashionMnist() throws IOException {
        return FashionMnist.read(Path.of(System.getProperty("metaloop.home", ".")).resolve("data/fashion-mnist"));
    }

    /** The split with two label levels: the class (0) and its group (1). */
    static SplitData withGroups(SplitData split) {
        int[] labels = new int[split.count() * 2];
        for (int i = 0; i < split.count(); i++) {
            int c = split.labels()[i * split.labelLevels()];
            labels[2 * i] = c;
            labels[2 * i + 1] = GROUP[c];
        }
        return new SplitData(split.count(), split.channels(), split.height(), split.width(), 2, split.pixels(), labels);
    }

    private static byte[] levelBytes(SplitData split, int level) {
        byte[] out = new byte[split.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) split.labels()[i * split.labelLevels() + level];
        }
        return out;
    }

    private static Path script() {
        return Path.of(System.getProperty("metaloop.home", "."), "bench", "maxl_torch.py");
    }

    /**
     * Reads a process's output: the last line starting with "{" is its result; the other lines are
     * echoed with {@code prefix} to stdout ({@code echo}) or stderr.
     */
    private static JsonNode lastJson(Process p, String prefix, boolean echo) throws Exception {
        JsonNode last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("{")) {
                    last = JSON.readTree(line);
                } else if (echo) {
                    System.out.println(prefix + line);
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

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    private static boolean yes(String value, String name) {
        if (!value.equals("yes") && !value.equals("no")) {
            throw new IllegalArgumentException("--" + name + " yes|no, got " + value);
        }
        return value.equals("yes");
    }
}
