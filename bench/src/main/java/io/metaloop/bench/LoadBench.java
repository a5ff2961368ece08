package io.metaloop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaloop.localstack.LocalStack;
import io.metaloop.localstack.ProjectLayout;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load on a fresh embedded stack (loopback only): a queue of many small experiments worked off by
 * several trainers, and a fixed rate of read requests at the gateway. Prints tables.
 *
 * <pre>
 *   queue --experiments 200 --trainers 2      every experiment finishes, none trains twice (attempts, trainer counters)
 *   reads --rate 1000 --seconds 60            GETs of experiments (one record, the list) at a fixed rate, open loop:
 *                                             latency from each request's scheduled time, p50 / p99 / max, errors
 * </pre>
 */
public final class LoadBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** A tiny supervised job: Conv4 for one epoch on 2,040 Omniglot images, batch 256 (8 steps). */
    private static final String SPEC = """
            {"method":"supervised","dataset":"omniglot-load","backbone":"conv4","epochs":1,"batchSize":256,
             "optimizer":{"name":"sgd","learningRate":0.05},"seed":%d}""";

    private LoadBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !List.of("queue", "reads").contains(args[0])) {
            System.err.println("usage: bench/load queue [--experiments 200] [--trainers 2] | reads [--rate 1000] [--seconds 60]");
            System.exit(2);
        }
        Map<String, String> o = SelfSupervisedBench.options(Arrays.copyOfRange(args, 1, args.length));
        Path runDir = Files.createTempDirectory("metaloop-load-");
        int trainers = Integer.parseInt(o.getOrDefault("trainers", "2"));
        ProjectLayout layout = ProjectLayout.locate();
        try (LocalStack stack = LocalStack.start(layout, runDir, List.of("dataset-service", "trainer-service", "evaluator-service",
                "gateway"), line -> System.out.println("  " + line))) {
            for (int i = 1; i < trainers; i++) {
                stack.addReplica("trainer-service");
            }
            String token = stack.auth().localUserToken();
            String gateway = stack.serviceUrl("gateway");
            Path omniglot = layout.bundledData().resolve("omniglot/images_background_small1.zip").toAbsolutePath();
            HttpResponse<String> imported = send(token, "POST", stack.serviceUrl("dataset-service")
                    + "/api/v1/datasets/omniglot-load/import", """
                    {"format": "omniglot", "path": "%s", "imageSize": 28, "testShare": 0.25}""".formatted(omniglot));
            if (imported.statusCode() != 201) {
                throw new IllegalStateException("import: " + imported.statusCode() + " " + imported.body());
            }
            if (args[0].equals("queue")) {
                queue(stack, token, gateway, Integer.parseInt(o.getOrDefault("experiments", "200")), trainers);
            } else {
                reads(token, gateway, Integer.parseInt(o.getOrDefault("rate", "1000")), Integer.parseInt(o.getOrDefault("seconds", "60")));
            }
        } finally {
            SelfSupervisedBench.deleteTree(runDir);
        }
    }

    private static HttpResponse<String> send(String token, String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void queue(LocalStack stack, String token, String gateway, int experiments, int trainers) throws Exception {
        long start = System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < experiments; i++) {
            HttpResponse<String> r = send(token, "POST", gateway + "/api/v1/experiments", SPEC.formatted(i + 1));
            if (r.statusCode() != 201) {
                throw new IllegalStateException("submit " + i + ": " + r.statusCode() + " " + r.body());
            }
            ids.add(JSON.readTree(r.body()).path("id").asText());
        }
        double submitted = (System.nanoTime() - start) / 1e9;
        Map<String, JsonNode> done = new HashMap<>();
        while (done.size() < ids.size()) {
            Thread.sleep(2000);
            JsonNode list = JSON.readTree(send(token, "GET", gateway + "/api/v1/experiments", null).body());
            for (JsonNode r : list) {
                String state = r.path("state").asText();
                if (ids.contains(r.path("id").asText()) && (state.equals("SUCCEEDED") || state.equals("FAILED"))) {
                    done.put(r.path("id").asText(), r);
                }
            }
            System.out.printf("  %.0f s: %d of %d finished%n", (System.nanoTime() - start) / 1e9, done.size(), ids.size());
            if ((System.nanoTime() - start) / 1e9 > 3600) {
                throw new IllegalStateException("not finished after an hour: " + done.size() + " of " + ids.size());
            }
        }
        double total = (System.nanoTime() - start) / 1e9;
        long succeeded = done.values().stream().filter(r -> r.path("state").asText().equals("SUCCEEDED")).count();
        long retried = done.values().stream().filter(r -> r.path("attempt").asInt(1) > 1).count();
        double trained = 0;
        List<String> parts = new ArrayList<>(List.of("trainer-service"));
        for (int i = 2; i <= trainers; i++) {
            parts.add("trainer-service-" + i);
        }
        StringBuilder perTrainer = new StringBuilder();
        for (String part : parts) {
            double n = metric(send(token, "GET", stack.serviceUrl(part) + "/q/metrics", null).body(),
                    "metaloop_trainer_jobs_total{outcome=\"trained\"");
            trained += Double.isNaN(n) ? 0 : n;
            perTrainer.append(part).append(' ').append(Double.isNaN(n) ? 0 : (long) n).append("  ");
        }
        System.out.println();
        System.out.println("| experiments | trainers | submitted in | all finished in | succeeded | failed | with a 2nd attempt | jobs trained (all trainers) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        System.out.printf("| %d | %d | %.1f s | %.1f s | %d | %d | %d | %.0f (%s) |%n", experiments, trainers, submitted, total,
                succeeded, done.size() - succeeded, retried, trained, perTrainer.toString().trim());
        System.out.println(trained == experiments ? "none trained twice" : "MISMATCH: " + trained + " trainings for " + experiments
                + " experiments");
    }

    private static double metric(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(Double.NaN);
    }

    private static void reads(String token, String gateway, int rate, int seconds) throws Exception {
        // something to read: a few experiments in the store
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(JSON.readTree(send(token, "POST", gateway + "/api/v1/experiments", SPEC.formatted(1000 + i)).body())
                    .path("id").asText());
        }
        // 64 senders, each with its own client and so its own kept-alive connection; request i is due at
        // start + i/rate, and its latency counts from then, so a server that falls behind shows it
        int senders = 64;
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong errors = new AtomicLong();
        AtomicLong serverErrors = new AtomicLong();
        Map<String, Long> errorKinds = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicLong next = new AtomicLong();
        long intervalNanos = 1_000_000_000L / rate;
        long total = (long) rate * seconds;
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < senders; t++) {
            Thread thread = new Thread(() -> {
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                        .version(HttpClient.Version.HTTP_1_1).build();
                for (long i; (i = next.getAndIncrement()) < total; ) {
                    long scheduled = start + i * intervalNanos;
                    long wait = scheduled - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    String url = i % 10 == 0 ? gateway + "/api/v1/experiments"
                            : gateway + "/api/v1/experiments/" + ids.get((int) (i % ids.size()));
                    try {
                        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() >= 500) {
                            serverErrors.incrementAndGet();
                        } else if (r.statusCode() != 200) {
                            errors.incrementAndGet();
                            errorKinds.merge("HTTP " + r.statusCode(), 1L, Long::sum);
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        errorKinds.merge(e.getClass().getSimpleName(), 1L, Long::sum);
                    }
                    latencies.add(System.nanoTime() - scheduled);
                }
            }, "load-" + t);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.println();
        System.out.println("| target rate | duration | requests | achieved rate | p50 | p99 | max | errors (non-200, no answer) | 5xx |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        System.out.printf("| %d/s | %d s | %d | %.0f/s | %.2f ms | %.2f ms | %.1f ms | %d | %d |%n", rate, seconds, sorted.length,
                sorted.length / elapsed, percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6,
                sorted[sorted.length - 1] / 1e6, errors.get(), serverErrors.get());
        if (!errorKinds.isEmpty()) {
            System.out.println("errors by kind: " + errorKinds);
        }
    }

    private static double percentile(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
