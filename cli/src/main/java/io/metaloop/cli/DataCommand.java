package io.metaloop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metaloop.datasets.download.Download;
import io.metaloop.datasets.download.Downloader;
import io.metaloop.datasets.download.KnownDownloads;
import io.metaloop.localstack.StackException;
import io.metaloop.localstack.StackAuth;
import io.metaloop.localstack.StackState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * {@code metaloop data list} and {@code metaloop data import <name> <archive-or-dir> --format F ...}
 * against the running stack's dataset-service.
 */
final class DataCommand {
    static final String USAGE = """
            usage: metaloop data list
                   metaloop data download <dataset> [--to DIR] [--sha256 HEX]     (resumable, SHA-256 verified)
                     datasets: fashion-mnist omniglot-small omniglot cifar10 cifar100 stl10 tiny-imagenet
                   metaloop data import <name> <archive-or-dir> --format <format> [--image-size N] [--rotations]
                                        [--split-files DIR] [--hierarchy FILE] [--class-splits FILE] [--test-share S]
                     --class-splits: JSON {"train": ["Greek/", ...], "val": [...], "test": [...]} assigning classes
                                     to splits by name prefix, e.g. data/omniglot/alphabet-splits.json
                     --test-share S: split every class's images into train and test, the share S (0 < S < 1) in
                                     test, e.g. 0.25 puts drawers 4, 8, 12, 16, 20 of each Omniglot character in
                                     test (not with --class-splits)
              formats: fashion-mnist mnist cifar10 cifar100 stl10 omniglot tiny-imagenet image-folder slimagenet64
                       mini-imagenet tiered-imagenet cifar-fs fc100
              e.g.   metaloop data import omniglot data/omniglot --format omniglot --image-size 28 --rotations \\
                       --class-splits data/omniglot/alphabet-splits.json
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path stackDir;

    DataCommand(Path stackDir) {
        this.stackDir = stackDir;
    }

    int run(List<String> args) {
        if (args.isEmpty()) {
            System.err.print(USAGE);
            return 2;
        }
        return switch (args.get(0)) {
            case "list" -> list();
            case "import" -> importDataset(args.subList(1, args.size()));
            case "download" -> download(args.subList(1, args.size()));
            default -> {
                System.err.print("unknown data command '" + args.get(0) + "'\n" + USAGE);
                yield 2;
            }
        };
    }

    private String datasetService() {
        StackState state = StackState.read(stackDir)
                .orElseThrow(() -> new StackException("no stack is running (start one with: bin/metaloop up)"));
        return state.part("dataset-service").map(StackState.Part::url)
                .orElseThrow(() -> new StackException("the running stack has no dataset-service"));
    }

    private int list() {
        JsonNode datasets = send(HttpRequest.newBuilder(URI.create(datasetService() + "/api/v1/datasets")).GET().build(), 200);
        System.out.printf("%-22s %-12s %-28s %s%n", "name", "images", "levels (classes)", "splits");
        for (JsonNode d : datasets) {
            List<String> levels = new ArrayList<>();
            d.path("levels").forEach(l -> levels.add(l.path("name").asText() + " (" + l.path("classes").size() + ")"));
            List<String> splits = new ArrayList<>();
            d.path("splits").fields().forEachRemaining(e -> splits.add(e.getKey() + " " + e.getValue().asLong()));
            System.out.printf("%-22s %-12s %-28s %s%n", d.path("name").asText(),
                    d.path("channels").asInt() + "×" + d.path("height").asInt() + "×" + d.path("width").asInt(),
                    String.join(", ", levels), String.join(", ", splits));
        }
        return 0;
    }

    private int download(List<String> args) {
        if (args.isEmpty() || args.get(0).startsWith("--")) {
            System.err.print("metaloop data download: <dataset> is required\n" + USAGE);
            return 2;
        }
        String dataset = args.get(0);
        Path to = Path.of("downloads", dataset);
        String sha256 = null;
        for (int i = 1; i < args.size(); i += 2) {
            if (i + 1 >= args.size()) {
                System.err.println("metaloop data download: " + args.get(i) + " needs a value");
                return 2;
            }
            switch (args.get(i)) {
                case "--to" -> to = Path.of(args.get(i + 1));
                case "--sha256" -> sha256 = args.get(i + 1);
                default -> {
                    System.err.println("metaloop data download: unknown option '" + args.get(i) + "'");
                    return 2;
                }
            }
        }
        List<Download> files = KnownDownloads.files(dataset);
        if (sha256 != null) {
            if (files.size() != 1) {
                System.err.println("--sha256 names one file's digest; " + dataset + " has " + files.size() + " files");
                return 2;
            }
            files = List.of(files.get(0).withSha256(sha256));
        }
        Downloader downloader = new Downloader();
        for (Download file : files) {
            try {
                Path done = downloader.download(file, to, DataCommand::progressBar);
                System.out.println();
                System.out.println("verified " + done + " (" + file.describeDigests() + ")");
            } catch (IOException e) {
                System.out.println();
                System.err.println("metaloop data download: " + e.getMessage());
                return 1;
            }
        }
        System.out.println("next: bin/metaloop data import <name> " + to + " --format <format>");
        return 0;
    }

    /** One line that redraws itself: {@code file [#####     ]  45%  12.3 / 27.1 MB}. */
    static void progressBar(String file, long done, long total) {
        String line;
        if (total > 0) {
            int width = 30;
            int filled = (int) (width * done / total);
            line = String.format("%s [%s%s] %3d%%  %.1f / %.1f MB", file, "#".repeat(filled), " ".repeat(width - filled),
                    100 * done / total, done / 1e6, total / 1e6);
        } else {
            line = String.format("%s %.1f MB", file, done / 1e6);
        }
        System.out.print("\r" + line);
        System.out.flush();
    }

    private int importDataset(List<String> args) {
        ObjectNode body;
        String name;
        try {
            name = positional(args, 0, "name");
            body = importBody(args);
        } catch (IllegalArgumentException e) {
            System.err.println("metaloop data import: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        System.out.println("importing " + body.path("path").asText() + " as '" + name + "' (" + body.path("format").asText() + ")...");
        long start = System.nanoTime();
        JsonNode info = send(HttpRequest.newBuilder(URI.create(datasetService() + "/api/v1/datasets/" + name + "/import"))
                .header("Content-Type", "application/json").timeout(Duration.ofHours(2))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), 201);
        System.out.printf("imported '%s' in %.0f s: %s%n", name, (System.nanoTime() - start) / 1e9, info.path("splits"));
        return 0;
    }

    /** The JSON body of an import request, from the command line (paths made absolute). */
    static ObjectNode importBody(List<String> args) {
        ObjectNode body = JSON.createObjectNode();
        body.put("path", absolute(positional(args, 1, "archive-or-dir")));
        Iterator<String> it = args.subList(2, args.size()).iterator();
        while (it.hasNext()) {
            String option = it.next();
            switch (option) {
                case "--format" -> body.put("format", value(it, option));
                case "--image-size" -> {
                    String v = value(it, option);
                    try {
                        body.put("imageSize", Integer.parseInt(v));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--image-size must be a whole number, got '" + v + "'");
                    }
                }
                case "--rotations" -> body.put("rotations", true);
                case "--split-files" -> body.put("splitFiles", absolute(value(it, option)));
                case "--hierarchy" -> body.put("hierarchyFile", absolute(value(it, option)));
                case "--class-splits" -> body.put("classSplits", absolute(value(it, option)));
                case "--test-share" -> {
                    String v = value(it, option);
                    double share;
                    try {
                        share = Double.parseDouble(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--test-share must be a number between 0 and 1, got '" + v + "'");
                    }
                    if (!(share > 0 && share < 1)) {
                        throw new IllegalArgumentException("--test-share must be strictly between 0 and 1, got '" + v + "'");
                    }
                    body.put("testShare", share);
                }
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        if (!body.has("format")) {
            throw new IllegalArgumentException("--format is required");
        }
        return body;
    }

    private static String positional(List<String> args, int index, String what) {
        if (args.size() <= index || args.get(index).startsWith("--")) {
            throw new IllegalArgumentException("<" + what + "> is required");
        }
        return args.get(index);
    }

    private static String value(Iterator<String> it, String option) {
        if (!it.hasNext()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return it.next();
    }

    private static String absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize().toString();
    }

    private JsonNode send(HttpRequest request, int expected) {
        try {
            HttpResponse<String> r = http.send(Http.authorized(request, StackAuth.userToken(stackDir)),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
            if (r.statusCode() != expected) {
                throw new StackException("dataset-service answered " + r.statusCode() + ": "
                        + body.path("error").asText(r.body()));
            }
            return body;
        } catch (IOException e) {
            throw new StackException("dataset-service unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted");
        }
    }
}
