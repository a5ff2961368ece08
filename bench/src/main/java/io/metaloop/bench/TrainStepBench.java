package io.metaloop.bench;

import io.metaloop.learning.NativeBackend;
import io.metaloop.learning.Workspaces;
import io.metaloop.learning.backbone.Backbone;
import io.metaloop.learning.backbone.Backbones;
import io.metaloop.learning.nn.Linear;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.Sequential;
import io.metaloop.learning.nn.SoftmaxCrossEntropy;
import io.metaloop.learning.optim.Sgd;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training-step speed of the backbones on this machine's CPU: forward (training mode) and a whole
 * step (forward, cross-entropy, backward, SGD with momentum) on random images, median over timed
 * steps after warm-up ones, with the achieved GFLOP/s (convolutions and linear maps; a step counts
 * three forward passes' worth) beside the machine's SGEMM rate. When PyTorch is importable
 * ({@code python3-torch}), the same networks run in {@code bench/train_step_torch.py} in the same
 * invocation and the ratios are printed.
 */
public final class TrainStepBench {
    /** One network to time. */
    record Config(String name, String backbone, int channels, int side, int batch, int classes) {
    }

    static final List<Config> CONFIGS = List.of(
            new Config("convnet4-32 84px b80", "convnet4", 3, 84, 80, 5),
            new Config("conv4 32px b64", "conv4", 3, 32, 64, 10),
            new Config("resnet12 84px b20", "resnet12", 3, 84, 20, 5));

    private TrainStepBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean profile = Arrays.asList(args).contains("--profile");
        int timed = Arrays.stream(args).filter(a -> !a.startsWith("--")).findFirst().map(Integer::parseInt).orElse(10);
        // --only=conv4 keeps the rows whose backbone is named (to profile one network at a time)
        List<String> only = Arrays.stream(args).filter(a -> a.startsWith("--only=")).map(a -> a.substring(7)).toList();
        List<Config> configs = CONFIGS.stream().filter(c -> only.isEmpty() || only.contains(c.backbone())).toList();
        NativeBackend.configure();
        if (profile) {
            for (Config c : configs) {
                LayerProfile.print(c, timed);
            }
            return;
        }
        int threads = Runtime.getRuntime().availableProcessors();
        double sgemm = sgemmGflops(2048, 5);
        Map<String, double[]> torch = runTorch(timed, threads, configs);
        System.out.println();
        System.out.printf("%-22s %8s %12s %12s %10s %10s %12s %12s %9s %9s%n", "network", "GFLOP fwd", "forward ms",
                "step ms", "images/s", "GFLOP/s", "torch fwd ms", "torch step", "fwd ×", "step ×");
        for (Config c : configs) {
            double[] r = measure(c, timed);
            double fwdFlops = r[2];
            double stepGflops = 3 * fwdFlops / r[1] / 1e9;
            double[] t = torch.get(c.name());
            System.out.printf("%-22s %8.2f %12.1f %12.1f %10.0f %10.1f %12s %12s %9s %9s%n", c.name(), fwdFlops / 1e9,
                    r[0] * 1e3, r[1] * 1e3, c.batch() / r[1], stepGflops,
                    t == null ? "-" : String.format("%.1f", t[0] * 1e3), t == null ? "-" : String.format("%.1f", t[1] * 1e3),
                    t == null ? "-" : String.format("%.2f", r[0] / t[0]), t == null ? "-" : String.format("%.2f", r[1] / t[1]));
        }
        System.out.printf("%nmedian of %d timed steps after 3 warm-up steps; SGEMM 2048² float: %.1f GFLOP/s (median of 5);%n"
                        + "ratio × = MetaLoop time ÷ PyTorch time (below 1: MetaLoop faster); %d cores, %s %s%s%n",
                timed, sgemm, threads, System.getProperty("java.vm.name"), System.getProperty("java.version"),
                torch.isEmpty() ? "; PyTorch not measured (apt-get install python3-torch)" : "");
    }

    /** {forward seconds, step seconds, forward FLOPs}, medians. */
    static double[] measure(Config c, int timed) {
        Backbone backbone = Backbones.create(c.backbone(), c.channels(), c.side(), c.side());
        Sequential layers = new Sequential(List.of(backbone.layer(), new Linear(backbone.featureSize(), c.classes())));
        long[] inputShape = {c.channels(), c.side(), c.side()};
        Network net = new Network(layers, inputShape, DataType.FLOAT, 1);
        Sgd sgd = new Sgd(net.params(), 0.9, false, 0);
        INDArray x = Nd4j.rand(DataType.FLOAT, c.batch(), c.channels(), c.side(), c.side());
        Random random = new Random(1);
        int[] labels = new int[c.batch()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(c.classes());
        }
        double[] forward = new double[timed];
        double[] step = new double[timed];
        for (int i = -3; i < timed; i++) {
            long start = System.nanoTime();
            Workspaces.run("bench-forward", () -> {
                net.forward(x, Mode.TRAIN);
                return null;
            });
            long mid = System.nanoTime();
            Workspaces.run("bench-step", () -> {
                INDArray logits = net.forward(x, Mode.TRAIN);
                SoftmaxCrossEntropy.Result loss = SoftmaxCrossEntropy.evaluate(logits, labels);
                net.backward(loss.gradLogits());
                sgd.step(net.params(), net.gradients(), 0.01);
                return loss.loss();
            });
            long end = System.nanoTime();
            if (i >= 0) {
                forward[i] = (mid - start) / 1e9;
                step[i] = (end - mid) / 1e9;
            }
        }
        long flops = layers.forwardFlops(new long[] {c.batch(), c.channels(), c.side(), c.side()});
        return new double[] {median(forward), median(step), flops};
    }

    static double sgemmGflops(int n, int runs) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray out = Nd4j.create(DataType.FLOAT, n, n);
        a.mmuli(b, out); // warm-up
        double[] rates = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            a.mmuli(b, out);
            rates[i] = 2.0 * n * n * n / ((System.nanoTime() - start) / 1e9) / 1e9;
        }
        return median(rates);
    }

    /** Runs the PyTorch reference; its lines "RESULT name forward_s step_s" by name, empty without PyTorch. */
    static Map<String, double[]> runTorch(int timed, int threads, List<Config> configs) throws Exception {
        Path script = Path.of(System.getProperty("metaloop.home", "."), "bench", "train_step_torch.py");
        Map<String, double[]> out = new HashMap<>();
        if (!Files.exists(script)) {
            return out;
        }
        String python = pythonWithTorch();
        if (python == null) {
            return out;
        }
        List<String> command = new ArrayList<>(List.of(python, script.toString(), "--timed", String.valueOf(timed),
                "--threads", String.valueOf(threads)));
        configs.forEach(c -> command.addAll(List.of("--only", c.name())));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("RESULT\t")) {
                    String[] f = line.split("\t");
                    out.put(f[1], new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3])});
                } else {
                    System.err.println("[torch] " + line);
                }
            }
        }
        p.waitFor();
        return out;
    }

    /**
     * The first of $METALOOP_PYTHON, Debian's /usr/bin/python3 (where python3-torch installs) and the
     * python3 on the PATH that can import torch; null if none can.
     */
    static String pythonWithTorch() throws InterruptedException {
        List<String> candidates = new ArrayList<>();
        if (System.getenv("METALOOP_PYTHON") != null) {
            candidates.add(System.getenv("METALOOP_PYTHON"));
        }
        candidates.addAll(List.of("/usr/bin/python3", "python3"));
        for (String python : candidates) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor() == 0) {
                    return python;
                }
            } catch (java.io.IOException e) {
                // not there: try the next
            }
        }
        System.err.println("no python3 with PyTorch found (Debian: apt-get install python3-torch)");
        return null;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
