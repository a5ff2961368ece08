package io.metaloop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaloop.contracts.ExperimentRecord;
import io.metaloop.contracts.Json;
import io.metaloop.contracts.SeedSummary;
import io.metaloop.localstack.StackException;
import io.metaloop.localstack.StackAuth;
import io.metaloop.localstack.StackState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Experiments through the running stack's gateway: {@code submit} a spec file (JSON or YAML),
 * {@code presets} (list, or run one with fields laid over it), {@code experiments} (list, or show
 * one), {@code evaluate} a trained experiment few-shot, {@code summary} of experiments that differ
 * only in their seeds. With {@code --wait} the command follows the
 * experiment (or evaluation) to its end, printing progress and the result with its interval.
 */
final class ExperimentCommand {
    static final String USAGE = """
            usage: metaloop submit <spec.yaml|spec.json> [--wait]
                   metaloop presets                                  (list: name, target figure, dataset)
                   metaloop presets run <name> [overrides.yaml|json] [--wait]
                   metaloop experiments [<id>]                       (list, or one experiment as JSON)
                   metaloop evaluate <id> [evaluation.yaml|json] [--wait]
                   metaloop summary <id> <id> [<id> ...]            (one configuration over seeds: mean ± std, 95 % t)
              a spec: common fields (method, dataset, splits, backbone, seed, epochs, optimizer, ...) plus the
              method's section (maml:, protonet:, ...); see the README's "Experiments" section
            """;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofHours(12);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path stackDir;

    ExperimentCommand(Path stackDir) {
        this.stackDir = stackDir;
    }

    int run(String command, List<String> args) {
        boolean wait = args.contains("--wait");
        List<String> rest = args.stream().filter(a -> !a.equals("--wait")).toList();
        return switch (command) {
            case "submit" -> rest.size() == 1 ? submit("/api/v1/experiments", Path.of(rest.get(0)), wait) : usage();
            case "presets" -> presets(rest, wait);
            case "experiments" -> rest.isEmpty() ? list() : rest.size() == 1 ? show(rest.get(0)) : usage();
            case "evaluate" -> rest.isEmpty() || rest.size() > 2 ? usage()
                    : evaluate(rest.get(0), rest.size() == 2 ? Path.of(rest.get(1)) : null, wait);
            case "summary" -> rest.size() < 2 ? usage() : summary(rest);
            default -> usage();
        };
    }

    private static int usage() {
        System.err.print(USAGE);
        return 2;
    }

    private String gateway() {
        StackState state = StackState.read(stackDir)
                .orElseThrow(() -> new StackException("no stack is running (start one with: bin/metaloop up)"));
        return state.part("gateway").map(StackState.Part::url)
                .orElseThrow(() -> new StackException("the running stack has no gateway"));
    }

    private static String mediaType(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml") ? "application/yaml" : "application/json";
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new StackException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        return Http.send(http, request, StackAuth.userToken(stackDir));
    }

    private HttpResponse<String> post(String path, byte[] body, String mediaType) {
        return send(HttpRequest.newBuilder(URI.create(gateway() + path)).timeout(Duration.ofMinutes(2))
                .header("Content-Type", mediaType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(gateway() + path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    /** Prints a refusal's fields one per line; returns the exit code 1. */
    private static int refused(HttpResponse<String> r) {
        System.err.println("refused (" + r.statusCode() + "):");
        try {
            JsonNode error = JSON.readTree(r.body());
            if (error.path("fields").isEmpty()) {
                System.err.println("  " + error.path("error").asText(r.body()));
            }
            error.path("fields").forEach(f -> System.err.println("  " + f.path("field").asText() + ": "
                    + f.path("message").asText()));
        } catch (IOException e) {
            System.err.println("  " + r.body());
        }
        return 1;
    }

    private int submit(String path, Path file, boolean wait) {
        return submitted(post(path, read(file), mediaType(file)), wait);
    }

    private int submitted(HttpResponse<String> r, boolean wait) {
        if (r.statusCode() != 201) {
            return refused(r);
        }
        ExperimentRecord record = Json.read(r.body(), ExperimentRecord.class);
        System.out.println(record.id());
        return wait ? follow(record.id(), 0) : 0;
    }

    private int presets(List<String> args, boolean wait) {
        if (args.isEmpty()) {
            try {
                JsonNode presets = JSON.readTree(get("/api/v1/presets").body());
                System.out.printf("%-46s %-16s %-18s %s%n", "preset", "target", "dataset", "reproduces");
                for (JsonNode p : presets) {
                    JsonNode t = p.path("target");
                    String target = t.has("accuracy") ? String.format("%.2f%%%s", t.path("accuracy").asDouble(),
                            t.has("interval") ? " ± " + t.path("interval").asText() : "") : "(none)";
                    System.out.printf("%-46s %-16s %-18s %s%n", p.path("name").asText(), target,
                            p.path("data").path("dataset").asText(), p.path("reproduces").asText());
                }
                return 0;
            } catch (IOException e) {
                throw new StackException("unreadable preset list: " + e.getMessage());
            }
        }
        if (!args.get(0).equals("run") || args.size() < 2 || args.size() > 3) {
            return usage();
        }
        String path = "/api/v1/presets/" + args.get(1) + "/experiments";
        if (args.size() == 3) {
            return submit(path, Path.of(args.get(2)), wait);
        }
        return submitted(post(path, new byte[0], "application/json"), wait);
    }

    private int list() {
        List<ExperimentRecord> all = List.of(Json.read(get("/api/v1/experiments").body(), ExperimentRecord[].class));
        System.out.printf("%-18s %-10s %-20s %-14s %-16s %s%n", "id", "state", "method", "backbone", "dataset", "result");
        for (ExperimentRecord r : all) {
            System.out.printf("%-18s %-10s %-20s %-14s %-16s %s%n", r.id(), r.state(), r.spec().method(), r.spec().backbone(),
                    r.spec().dataset(), result(r));
        }
        return 0;
    }

    private int summary(List<String> ids) {
        HttpResponse<String> r = get("/api/v1/experiments/summary?ids=" + String.join(",", ids));
        if (r.statusCode() != 200) {
            return refused(r);
        }
        SeedSummary s = Json.read(r.body(), SeedSummary.class);
        System.out.printf("%s %s on %s, %s: %.2f ± %.2f %% (mean ± std over %d seeds %s; 95 %% t-interval ± %.2f)%n",
                s.method(), s.backbone(), s.dataset(), s.test(), 100 * s.mean(), 100 * s.std(), s.n(), s.seeds(),
                100 * s.ci95T());
        return 0;
    }

    private static String result(ExperimentRecord r) {
        if (r.result() == null) {
            return r.error() == null ? "" : r.error();
        }
        if (r.result().linear() != null) {
            return String.format("%.2f%% of %d %s images (linear evaluation)", 100 * r.result().accuracy(),
                    r.result().examples(), r.result().split());
        }
        if (r.result().fewShot() != null) {
            var f = r.result().fewShot();
            return f.protocol().ways() + "-way " + f.protocol().shots() + "-shot " + f.describe();
        }
        return String.format("%.2f%% of %d %s images", 100 * r.result().accuracy(), r.result().examples(), r.result().split());
    }

    private int show(String id) {
        HttpResponse<String> r = get("/api/v1/experiments/" + id);
        if (r.statusCode() != 200) {
            return refused(r);
        }
        try {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(r.body())));
        } catch (IOException e) {
            System.out.println(r.body());
        }
        return 0;
    }

    private int evaluate(String id, Path file, boolean wait) {
        HttpResponse<String> r = post("/api/v1/experiments/" + id + "/evaluations", file == null ? "{}".getBytes()
                : read(file), file == null ? "application/json" : mediaType(file));
        if (r.statusCode() != 202) {
            return refused(r);
        }
        try {
            JsonNode started = JSON.readTree(r.body());
            System.out.printf("evaluation %s of the %s checkpoint: %s, %d shards%n", started.path("evaluationId").asText(),
                    started.path("checkpoint").asText(), started.path("protocol").path("id").asText(),
                    started.path("shards").asInt());
            if (!wait) {
                return 0;
            }
            int before = Json.read(get("/api/v1/experiments/" + id).body(), ExperimentRecord.class).evaluations().size();
            return follow(id, before + 1);
        } catch (IOException e) {
            throw new StackException("unreadable answer: " + e.getMessage());
        }
    }

    /**
     * Polls the experiment until it ends (and, with {@code evaluations} > 0, until it has that many
     * few-shot evaluations), printing its progress line when it changes; 0 when it succeeded.
     */
    private int follow(String id, int evaluations) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            ExperimentRecord r = Json.read(get("/api/v1/experiments/" + id).body(), ExperimentRecord.class);
            String line = Demo.describe(r);
            if (!line.equals(last)) {
                System.out.println(line);
                last = line;
            }
            boolean done = evaluations > 0 ? r.evaluations().size() >= evaluations || r.state().isTerminal() && r.error() != null
                    : r.state().isTerminal();
            if (done) {
                if (evaluations > 0 && r.evaluations().size() >= evaluations) {
                    var e = r.evaluations().get(evaluations - 1).fewShot();
                    System.out.println(e.protocol().describe() + ": " + e.describe() + " (protocol " + e.protocol().id() + ")");
                    return 0;
                }
                System.out.println(result(r));
                return r.state() == io.metaloop.contracts.ExperimentState.SUCCEEDED ? 0 : 1;
            }
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
        System.err.println("gave up waiting for " + id);
        return 1;
    }
}
