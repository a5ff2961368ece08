package io.metaloop.cli;

import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.ExperimentState;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.TrainingMetrics;
import io.metaloop.localstack.LocalStack;
import io.metaloop.localstack.ProjectLayout;
import io.metaloop.localstack.StackException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The demo experiment end to end on a fresh embedded stack: Conv4 trained on the bundled
 * Fashion-MNIST subset through gateway → Kafka → trainer → object store → evaluator, progress
 * shown as it happens, the test accuracy printed at the end, every process stopped afterwards.
 */
final class Demo {
    private static final Duration TIMEOUT = Duration.ofMinutes(20);

    private final ProjectLayout layout;
    private final Path runDir;
    private final int epochs;
    private final HttpClient http = HttpClient.newHttpClient();

    Demo(ProjectLayout layout, Path runDir, int epochs) {
        this.layout = layout;
        this.runDir = runDir;
        this.epochs = epochs;
    }

    int run() {
        long start = System.nanoTime();
        LocalStack.stopRecorded(runDir); // a demo interrupted earlier may have left its stack behind
        LocalStack.deleteRunDirectory(runDir);
        LocalStack stack = LocalStack.start(layout, runDir, ProjectLayout.SERVICES, line -> System.out.println("  " + line));
        Thread cleanup = new Thread(stack::close, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            System.out.printf("stack ready in %.0f s%n", seconds(start));
            String body = """
                    {"method": "supervised", "dataset": "fashion-mnist", "backbone": "conv4",
                     "epochs": %d, "batchSize": 64, "learningRate": 0.003, "seed": 1}""".formatted(epochs);
            System.out.println("POST /api/v1/experiments " + body.replaceAll("\\s+", " "));
            HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(stack.serviceUrl("gateway") + "/api/v1/experiments"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
            if (created.statusCode() != 201) {
                System.err.println("submission rejected: " + created.statusCode() + " " + created.body());
                return 1;
            }
            ExperimentRecord record = Json.read(created.body(), ExperimentRecord.class);
            System.out.println("experiment " + record.id() + " queued");
            ExperimentRecord done = follow(stack, record.id());
            if (done.state() != ExperimentState.SUCCEEDED) {
                System.err.println("experiment " + done.id() + " " + done.state() + ": " + done.error());
                return 1;
            }
            System.out.printf("%ntest accuracy: %.2f%% (%d of %d Fashion-MNIST test images, Conv4, %d epochs)%n",
                    100 * done.result().accuracy(), done.result().correct(), done.result().examples(), epochs);
            System.out.println("checkpoint: s3://" + LocalStack.BUCKET + "/" + done.checkpointKey());
            System.out.printf("demo took %.0f s%n", seconds(start));
            return 0;
        } finally {
            System.out.println("stopping the stack");
            stack.close();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
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
        }
        return s.toString();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new StackException("gateway unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted");
        }
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
