package io.metaloop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaloop.localstack.StackException;
import io.metaloop.localstack.StackAuth;
import io.metaloop.localstack.StackState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code metaloop task <experiment-id> <support-dir> <query-dir>}: a user's own few-shot task. Zips
 * the two folders as the gateway expects ({@code support/<class>/<image>}, {@code query/<image>} or
 * {@code query/<class>/<image>}), uploads the zip to the running stack's gateway
 * ({@code POST /api/v1/experiments/<id>/tasks}), polls {@code GET /api/v1/tasks/<taskId>} and prints
 * each query's predicted class (and true class and the accuracy when the queries are labelled).
 */
final class TaskCommand {
    static final String USAGE = """
            usage: metaloop task <experiment-id> <support-dir> <query-dir> [--checkpoint best|last]
                                 [--head method|prototype] [--gateway URL] [--timeout SECONDS]
              <support-dir>  one folder per class, its images inside: <support-dir>/<class>/<image>
              <query-dir>    the images to classify: <query-dir>/<image>, or <query-dir>/<class>/<image>
                             when their classes are known (then the accuracy is printed too)
              PNG, JPEG, BMP or GIF of any size and colour mode: converted to the experiment's image shape.
              --checkpoint   best (best meta-validation) or last; default: the experiment's test checkpoint
              --head         method (the method's own adaptation) or prototype (nearest class mean of features)
              --gateway      the gateway's URL (default: the stack started by 'metaloop up')
              --timeout      how long to wait for the result (default 600 s)
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path stackDir;

    TaskCommand(Path stackDir) {
        this.stackDir = stackDir;
    }

    /** The command line, checked. */
    record Options(String experimentId, Path support, Path query, String checkpoint, String head, String gateway,
                   Duration timeout) {
    }

    /** @throws IllegalArgumentException naming the missing or bad argument */
    static Options parse(List<String> args) {
        List<String> positional = new ArrayList<>();
        String checkpoint = null;
        String head = null;
        String gateway = null;
        Duration timeout = Duration.ofSeconds(600);
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args.get(++i);
            switch (a) {
                case "--checkpoint" -> {
                    if (!v.equals("best") && !v.equals("last")) {
                        throw new IllegalArgumentException("--checkpoint is best or last, got '" + v + "'");
                    }
                    checkpoint = v;
                }
                case "--head" -> {
                    if (!v.equals("method") && !v.equals("prototype")) {
                        throw new IllegalArgumentException("--head is method or prototype, got '" + v + "'");
                    }
                    head = v;
                }
                case "--gateway" -> gateway = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
                case "--timeout" -> {
                    try {
                        timeout = Duration.ofSeconds(Long.parseLong(v));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--timeout must be whole seconds, got '" + v + "'");
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        String[] names = {"experiment-id", "support-dir", "query-dir"};
        if (positional.size() < 3) {
            throw new IllegalArgumentException("<" + names[positional.size()] + "> is required");
        }
        if (positional.size() > 3) {
            throw new IllegalArgumentException("unexpected argument '" + positional.get(3) + "'");
        }
        return new Options(positional.get(0), Path.of(positional.get(1)), Path.of(positional.get(2)), checkpoint, head,
                gateway, timeout);
    }

    int run(List<String> args) {
        Options o;
        byte[] zip;
        try {
            o = parse(args);
            zip = zip(o.support(), o.query());
        } catch (IllegalArgumentException e) {
            System.err.println("metaloop task: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        String gateway = o.gateway() != null ? o.gateway() : gateway();
        StringBuilder query = new StringBuilder();
        if (o.checkpoint() != null) {
            query.append("checkpoint=").append(o.checkpoint());
        }
        if (o.head() != null) {
            query.append(query.isEmpty() ? "" : "&").append("head=").append(o.head());
        }
        URI upload = URI.create(gateway + "/api/v1/experiments/" + URLEncoder.encode(o.experimentId(), StandardCharsets.UTF_8)
                + "/tasks" + (query.isEmpty() ? "" : "?" + query));
        System.out.printf("uploading %s and %s (%.1f MB zipped) to %s ...%n", o.support(), o.query(), zip.length / 1e6, gateway);
        HttpResponse<String> r = send(HttpRequest.newBuilder(upload).header("Content-Type", "application/zip")
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofByteArray(zip)).build());
        JsonNode started = body(r);
        if (r.statusCode() != 202) {
            System.err.println("metaloop task: the gateway answered " + r.statusCode() + ": " + describeError(started, r.body()));
            return 1;
        }
        String taskId = started.path("taskId").asText();
        System.out.printf("task %s: %d classes (%s), %d support images, %d %s queries, images as %s; %s checkpoint, %s head%n",
                taskId, started.path("classes").size(), join(started.path("classes")), sum(started.path("supportImages")),
                started.path("queries").asInt(), started.path("labelled").asBoolean() ? "labelled" : "unlabelled",
                shape(started.path("imageShape")), started.path("checkpoint").asText(), started.path("head").asText());
        long deadline = System.nanoTime() + o.timeout().toNanos();
        URI status = URI.create(gateway + "/api/v1/tasks/" + taskId);
        while (true) {
            HttpResponse<String> s = send(HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(30)).GET().build());
            JsonNode result = body(s);
            if (s.statusCode() == 200) {
                if ("SUCCEEDED".equals(result.path("state").asText())) {
                    System.out.print(table(result));
                    return 0;
                }
                System.err.println("metaloop task: task " + taskId + " failed: " + result.path("error").asText());
                return 1;
            }
            if (s.statusCode() != 202) {
                System.err.println("metaloop task: the gateway answered " + s.statusCode() + ": " + describeError(result, s.body()));
                return 1;
            }
            if (System.nanoTime() > deadline) {
                System.err.println("metaloop task: no result after " + o.timeout().toSeconds() + " s; follow it with: curl "
                        + status);
                return 1;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }

    /**
     * The two folders as the gateway's zip layout: {@code support/<class>/<file>} for every file in each
     * class folder of {@code support}, {@code query/<file>} and {@code query/<class>/<file>} for those of
     * {@code query}; entries sorted, hidden files ({@code .DS_Store}, ...) left out.
     *
     * @throws IllegalArgumentException when a folder is missing, or a file or folder is where the layout has none
     */
    static byte[] zip(Path support, Path query) {
        if (!Files.isDirectory(support)) {
            throw new IllegalArgumentException("<support-dir> " + support + " is not a folder");
        }
        if (!Files.isDirectory(query)) {
            throw new IllegalArgumentException("<query-dir> " + query + " is not a folder");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            int classes = 0;
            for (Path c : children(support)) {
                if (!Files.isDirectory(c)) {
                    throw new IllegalArgumentException(c + ": support images go in one folder per class, "
                            + "<support-dir>/<class>/<image>");
                }
                classes++;
                for (Path image : children(c)) {
                    if (Files.isDirectory(image)) {
                        throw new IllegalArgumentException(image + " is a folder; a class folder holds its images only");
                    }
                    add(zip, "support/" + name(c) + "/" + name(image), image);
                }
            }
            if (classes == 0) {
                throw new IllegalArgumentException("<support-dir> " + support + " has no class folders");
            }
            for (Path q : children(query)) {
                if (Files.isDirectory(q)) {
                    for (Path image : children(q)) {
                        if (Files.isDirectory(image)) {
                            throw new IllegalArgumentException(image + " is a folder; a query class folder holds images only");
                        }
                        add(zip, "query/" + name(q) + "/" + name(image), image);
                    }
                } else {
                    add(zip, "query/" + name(q), q);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static List<Path> children(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> !name(p).startsWith(".")).sorted().toList();
        }
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    private static void add(ZipOutputStream zip, String entry, Path file) throws IOException {
        zip.putNextEntry(new ZipEntry(entry));
        Files.copy(file, zip);
        zip.closeEntry();
    }

    /**
     * The result as a table: one line per query (its name, predicted class and, when labelled, its true
     * class with a mark where they differ), then the accuracy of a labelled task.
     */
    static String table(JsonNode result) {
        List<String[]> rows = new ArrayList<>();
        boolean labelled = result.path("labelled").asInt() > 0;
        rows.add(labelled ? new String[] {"query", "predicted", "true class", ""} : new String[] {"query", "predicted"});
        for (JsonNode p : result.path("predictions")) {
            rows.add(labelled ? new String[] {p.path("query").asText(), p.path("predicted").asText(), p.path("actual").asText(),
                    p.path("correct").asBoolean() ? "" : "✗"} : new String[] {p.path("query").asText(), p.path("predicted").asText()});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == 0 ? "" : "  ").append(i == row.length - 1 ? row[i] : pad(row[i], widths[i]));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        if (labelled) {
            sb.append(String.format("accuracy: %.2f%% (%d of %d queries)%n", 100 * result.path("accuracy").asDouble(),
                    result.path("correct").asInt(), result.path("labelled").asInt()));
        }
        return sb.toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    private static String join(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return String.join(", ", out);
    }

    private static int sum(JsonNode array) {
        int total = 0;
        for (JsonNode n : array) {
            total += n.asInt();
        }
        return total;
    }

    private static String shape(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return String.join("×", out);
    }

    /** The gateway's error with every field at fault, one per line. */
    static String describeError(JsonNode body, String raw) {
        if (!body.has("error")) {
            return raw.isBlank() ? "(no body)" : raw;
        }
        StringBuilder sb = new StringBuilder();
        if (body.path("fields").isEmpty()) {
            sb.append(body.path("error").asText());
        }
        for (JsonNode f : body.path("fields")) {
            sb.append(sb.isEmpty() ? "" : "\n").append("  ").append(f.path("field").asText()).append(": ")
                    .append(f.path("message").asText());
        }
        return body.path("fields").isEmpty() ? sb.toString() : "\n" + sb;
    }

    private String gateway() {
        StackState state = StackState.read(stackDir)
                .orElseThrow(() -> new StackException("no stack is running (start one with: bin/metaloop up, or give --gateway URL)"));
        return state.part("gateway").map(StackState.Part::url)
                .orElseThrow(() -> new StackException("the running stack has no gateway"));
    }

    private static JsonNode body(HttpResponse<String> r) {
        try {
            return r.body() == null || r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        return Http.send(http, request, StackAuth.userToken(stackDir));
    }
}
