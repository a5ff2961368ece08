package io.metaloop.cli;

import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentState;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.TrainingMetrics;
import io.metaloop.localstack.LocalStack;
import io.metaloop.localstack.ProjectLayout;
import io.metaloop.localstack.StackException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The demo experiments end to end on a fresh embedded stack, progress shown as it happens, every
 * process stopped afterwards: Conv4 trained on the bundled Fashion-MNIST subset through gateway →
 * Kafka → trainer → object store → evaluator, its test accuracy printed; then MAML meta-trained on
 * the bundled Omniglot's training alphabets (preset {@value #FEW_SHOT_PRESET}) and tested 5-way
 * 1-shot on 600 trials of alphabets it never saw, the accuracy printed with its interval and the
 * protocol it was measured on.
 */
final class Demo {
    private static final Duration TIMEOUT = Duration.ofMinutes(20);
    private static final String SELF_SUPERVISED_PRESET = "rr-fashion-mnist-small";
    static final String FEW_SHOT_PRESET = "maml-omniglot-small-5w1s";
    static final String FEW_SHOT_DATASET = "omniglot-small";

    private final ProjectLayout layout;
    private final Path runDir;
    private final int epochs;
    private final boolean supervised;
    private final boolean fewShot;
    private final boolean selfSupervised;
    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * @param parts "all" (supervised, then few-shot, then self-supervised), or one of "supervised",
     *              "few-shot", "self-supervised"
     */
    /** The demo stack's own local-user token (set once the stack is up). */
    private String token;

    Demo(ProjectLayout layout, Path runDir, int epochs, String parts) {
        this.layout = layout;
        this.runDir = runDir;
        this.epochs = epochs;
        if (!List.of("all", "supervised", "few-shot", "self-supervised").contains(parts)) {
            throw new StackException("--part must be all, supervised, few-shot or self-supervised, got '" + parts + "'");
        }
        this.supervised = parts.equals("all") || parts.equals("supervised");
        this.fewShot = parts.equals("all") || parts.equals("few-shot");
        this.selfSupervised = parts.equals("all") || parts.equals("self-supervised");
    }

    int run() {
        long start = System.nanoTime();
        LocalStack.stopRecorded(runDir); // a demo interrupted earlier may have left its stack behind
        LocalStack.deleteRunDirectory(runDir);
        LocalStack stack = LocalStack.start(layout, runDir, ProjectLayout.SERVICES, line -> System.out.println("  " + line));
        Thread cleanup = new Thread(stack::close, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        token = stack.auth().localUserToken();
        try {
            System.out.printf("stack ready in %.0f s%n", seconds(start));
            if (supervised && supervised(stack) != 0) {
                return 1;
            }
            if (fewShot && fewShot(stack) != 0) {
                return 1;
            }
            if (selfSupervised && selfSupervised(stack) != 0) {
                return 1;
            }
            System.out.printf("demo took %.0f s%n", seconds(start));
            return 0;
        } finally {
            System.out.println("stopping the stack");
            stack.close();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    /** Conv4 on the bundled Fashion-MNIST; 0 when it succeeded. */
    private int supervised(LocalStack stack) {
        String body = """
                {"method": "supervised", "dataset": "fashion-mnist", "backbone": "conv4",
                 "epochs": %d, "batchSize": 64, "optimizer": {"name": "adam", "learningRate": 0.003}, "seed": 1}""".formatted(epochs);
        System.out.println("POST /api/v1/experiments " + body.replaceAll("\\s+", " "));
        ExperimentRecord done = submitAndFollow(stack, "/api/v1/experiments", body);
        if (done == null) {
            return 1;
        }
        System.out.printf("%ntest accuracy: %.2f%% (%d of %d Fashion-MNIST test images, Conv4, %d epochs)%n",
                100 * done.result().accuracy(), done.result().correct(), done.result().examples(), epochs);
        System.out.println("checkpoint: s3://" + LocalStack.BUCKET + "/" + done.checkpointKey());
        return 0;
    }

    /** Imports the bundled Omniglot by alphabet, meta-trains MAML, tests it on unseen alphabets; 0 when it succeeded. */
    private int fewShot(LocalStack stack) {
        Path omniglot = layout.bundledData().resolve("omniglot");
        String importBody = """
                {"format": "omniglot", "path": "%s", "imageSize": 28, "rotations": true, "classSplits": "%s"}"""
                .formatted(omniglot.toAbsolutePath(), omniglot.resolve("alphabet-splits.json").toAbsolutePath());
        System.out.printf("%nimporting the bundled Omniglot as %s (28 px, rotations as classes, split by alphabet)%n",
                FEW_SHOT_DATASET);
        HttpResponse<String> imported = send(HttpRequest.newBuilder(URI.create(stack.serviceUrl("dataset-service")
                        + "/api/v1/datasets/" + FEW_SHOT_DATASET + "/import")).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofString(importBody)).build());
        if (imported.statusCode() != 201) {
            System.err.println("import failed: " + imported.statusCode() + " " + imported.body());
            return 1;
        }
        System.out.println("POST /api/v1/presets/" + FEW_SHOT_PRESET + "/experiments");
        ExperimentRecord done = submitAndFollow(stack, "/api/v1/presets/" + FEW_SHOT_PRESET + "/experiments", "");
        if (done == null) {
            return 1;
        }
        var f = done.result().fewShot();
        System.out.printf("%n%d-way %d-shot accuracy on alphabets never seen in training: %s%n", f.protocol().ways(),
                f.protocol().shots(), f.describe());
        System.out.printf("  (MAML, ConvNet4, %d epochs; %s checkpoint; z interval ± %.2f %%; protocol %s)%n",
                done.spec().epochs(), f.checkpoint(), 100 * f.ci95Z(), f.protocol().id().substring(0, 16));
        System.out.println("report: s3://" + LocalStack.BUCKET + "/" + f.reportKey());
        return 0;
    }

    /**
     * Relational reasoning pre-trains Conv4 on the bundled Fashion-MNIST without its labels, then the
     * evaluator linear-evaluates the frozen backbone; 0 when it succeeded.
     */
    private int selfSupervised(LocalStack stack) {
        System.out.println();
        System.out.println("POST /api/v1/presets/" + SELF_SUPERVISED_PRESET + "/experiments");
        ExperimentRecord done = submitAndFollow(stack, "/api/v1/presets/" + SELF_SUPERVISED_PRESET + "/experiments", "");
        if (done == null) {
            return 1;
        }
        var linear = done.result().linear();
        System.out.printf("%nlinear evaluation of the relational-reasoning backbone: %.2f%% (%d of %d Fashion-MNIST test images;"
                        + " pre-trained %d epochs without labels, K = %d views; Linear(64, 10) trained %d epochs on the frozen"
                        + " features of %d training images)%n", 100 * done.result().accuracy(), done.result().correct(),
                done.result().examples(), done.spec().epochs(), done.spec().augment().views(), linear.settings().epochs(),
                linear.trainExamples());
        return 0;
    }

    /** Posts a body, follows the experiment to its end; the final record when it succeeded, null otherwise. */
    private ExperimentRecord submitAndFollow(LocalStack stack, String path, String body) {
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(stack.serviceUrl("gateway") + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        if (created.statusCode() != 201) {
            System.err.println("submission rejected: " + created.statusCode() + " " + created.body());
            return null;
        }
        ExperimentRecord record = Json.read(created.body(), ExperimentRecord.class);
        System.out.println("experiment " + record.id() + " queued");
        ExperimentRecord done = follow(stack, record.id());
        if (done.state() != ExperimentState.SUCCEEDED) {
            System.err.println("experiment " + done.id() + " " + done.state() + ": " + done.error());
            return null;
        }
        return done;
    }

    private ExperimentRecord follow(LocalStack stack, String id) {
        URI uri = URI.create(stack.serviceUrl("gateway") + "/api/v1/experiments/" + id);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String lastLine = "";
        while (System.nanoTime() < deadline) {
            Optional<String> dead = stack.deadPart();
            if (dead.isPresent()) {
                throw new StackException(dead.get());
            }
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri).GET().build());
            if (r.statusCode() == 200) {
                ExperimentRecord record = Json.read(r.body(), ExperimentRecord.class);
                String line = describe(record);
                if (!line.equals(lastLine)) {
                    System.out.println(line);
                    lastLine = line;
                }
                if (record.state().isTerminal()) {
                    return record;
                }
            }
            sleep(1000);
        }
        throw new StackException("experiment " + id + " did not finish within " + TIMEOUT.toMinutes() + " minutes");
    }

    static String describe(ExperimentRecord r) {
        StringBuilder s = new StringBuilder(String.format("%-10s", r.state()));
        if (r.state() == ExperimentState.RUNNING || r.state() == ExperimentState.EVALUATING) {
            int width = 30;
            int filled = (int) Math.round(r.progress().fraction() * width);
            s.append(String.format(" epoch %d/%d [%s%s] %3.0f%%", Math.min(r.progress().epoch() + 1, r.progress().epochs()),
                    r.progress().epochs(), "#".repeat(filled), " ".repeat(width - filled), 100 * r.progress().fraction()));
            TrainingMetrics m = r.metrics();
            if (m != null && r.state() == ExperimentState.RUNNING) {
                s.append(String.format("  loss %.4f  %.0f img/s  step %.1f ms  data wait %.1f%%", m.loss(),
                        m.imagesPerSecond(), m.stepMillis(), 100 * m.dataWaitFraction()));
            }
            if (!r.validation().isEmpty()) {
                var v = r.validation().get(r.validation().size() - 1);
                s.append(String.format("  val %.1f%%%s", 100 * v.accuracy(), v.best() ? " (best)" : ""));
            }
        }
        return s.toString();
    }

    private HttpResponse<String> send(HttpRequest request) {
        return Http.send(http, request, token);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted");
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

}
