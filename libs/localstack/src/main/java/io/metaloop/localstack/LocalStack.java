package io.metaloop.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * The embedded stack in one run directory: Kafka, the S3 server and any of the five services,
 * each a separate process with its log in {@code <run dir>/logs}. Used by {@code bin/metaloop} and
 * by integration tests, so both run exactly the same parts.
 */
public final class LocalStack implements AutoCloseable {
    public static final String BUCKET = "metaloop";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path runDir;
    private final String marker;
    private final Map<String, ManagedProcess> processes = new LinkedHashMap<>();
    private final List<StackState.Part> parts = new ArrayList<>();
    private final Map<String, List<String>> serviceCommands = new LinkedHashMap<>();
    private String kafkaBootstrap;
    private String s3Endpoint;
    private int kafkaPort;
    private int controllerPort;
    private int s3Port;
    private ProjectLayout layout;
    private StackAuth auth;
    private final Map<String, List<String>> options = new LinkedHashMap<>();

    private LocalStack(Path runDir) {
        this.runDir = runDir.toAbsolutePath().normalize();
        this.marker = "-Dmetaloop.run=" + this.runDir;
    }

    /** Starts Kafka and the S3 server only (what integration tests of a single service need). */
    public static LocalStack startInfrastructure(ProjectLayout layout, Path runDir, Consumer<String> progress) {
        LocalStack stack = new LocalStack(runDir);
        try {
            stack.startInfra(layout, progress);
            stack.writeState();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** Starts Kafka, the S3 server and the given services, waiting until every service reports ready. */
    public static LocalStack start(ProjectLayout layout, Path runDir, List<String> services, Consumer<String> progress) {
        return start(layout, runDir, services, Map.of(), progress);
    }

    /**
     * {@link #start(ProjectLayout, Path, List, Consumer)} with extra JVM options per service (e.g.
     * {@code -Dmetaloop.gateway.lease-timeout=PT5S}), placed after the stack's own so they win.
     */
    public static LocalStack start(ProjectLayout layout, Path runDir, List<String> services,
                                   Map<String, List<String>> options, Consumer<String> progress) {
        LocalStack stack = startInfrastructure(layout, runDir, progress);
        stack.options.putAll(options);
        try {
            stack.startServices(layout, services, progress);
            stack.writeState();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startInfra(ProjectLayout layout, Consumer<String> progress) {
        this.layout = layout;
        kafkaPort = Ports.free();
        controllerPort = Ports.free();
        s3Port = Ports.free();
        progress.accept("starting Kafka (KRaft) on 127.0.0.1:" + kafkaPort + " and S3 on 127.0.0.1:" + s3Port);
        CompletableFuture<ManagedProcess> kafka = CompletableFuture.supplyAsync(
                () -> KafkaBroker.start(layout, runDir.resolve("kafka"), marker, kafkaPort, controllerPort));
        CompletableFuture<ManagedProcess> s3 = CompletableFuture.supplyAsync(
                () -> S3Server.start(layout, runDir.resolve("s3"), marker, s3Port));
        kafkaBootstrap = "127.0.0.1:" + kafkaPort;
        s3Endpoint = "http://127.0.0.1:" + s3Port;
        register("kafka", kafkaPort, null, join(kafka, s3));
        register("s3", s3Port, s3Endpoint, join(s3, kafka));
    }

    /** Joins one start; on failure, still waits for the other so nothing is left half-tracked. */
    private ManagedProcess join(CompletableFuture<ManagedProcess> future, CompletableFuture<ManagedProcess> other) {
        try {
            return future.join();
        } catch (CompletionException e) {
            try {
                ManagedProcess started = other.join();
                processes.putIfAbsent(started.name(), started);
            } catch (CompletionException ignored) {
                // reported below through the first failure
            }
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    private void register(String name, int port, String url, ManagedProcess process) {
        processes.put(name, process);
        parts.add(new StackState.Part(name, process.pid(), port, process.log().toString(), url));
    }

    private void startServices(ProjectLayout layout, List<String> services, Consumer<String> progress) {
        auth = StackAuth.open(runDir);
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String service : services) {
            ports.put(service, Ports.free());
        }
        Map<String, ManagedProcess> started = new LinkedHashMap<>();
        for (String service : services) {
            int port = ports.get(service);
            progress.accept("starting " + service + " on 127.0.0.1:" + port);
            List<String> command = serviceCommand(layout, service, port, ports);
            serviceCommands.put(service, command);
            ManagedProcess p = ManagedProcess.start(service, command, serviceEnvironment(), runDir,
                    runDir.resolve("logs").resolve(service + ".log"));
            started.put(service, p);
            register(service, port, "http://127.0.0.1:" + port, p);
        }
        writeState();
        for (Map.Entry<String, ManagedProcess> e : started.entrySet()) {
            String url = "http://127.0.0.1:" + ports.get(e.getKey()) + "/q/health/ready";
            e.getValue().awaitReady("ready (" + url + ")", Duration.ofSeconds(120), () -> httpOk(url));
            progress.accept(e.getKey() + " is ready");
        }
    }

    /**
     * The services' environment. ND4J's OpenMP threads (libgomp) spin up to 300,000 turns at each of
     * its many barriers before sleeping; with trainer and evaluator busy at once on the same cores,
     * each spins through the other's time slices. Measured on 2 cores (docs/measurements.md): two
     * trainings at once took 6× as long per step with the default, 1.6× with 1,000 turns, and one
     * alone the same. A value the user has set is kept.
     */
    static Map<String, String> serviceEnvironment() {
        return System.getenv().containsKey("GOMP_SPINCOUNT") || System.getenv().containsKey("OMP_WAIT_POLICY")
                ? Map.of() : Map.of("GOMP_SPINCOUNT", "1000");
    }

    /**
     * Starts one more process of a running service on a port of its own (a second trainer sharing the
     * job queue) and waits until it is ready.
     *
     * @return the new part's name, {@code <service>-<n>}
     */
    public String addReplica(String service) {
        List<String> command = serviceCommands.get(service);
        if (command == null) {
            throw new StackException(service + " is not a service of this stack");
        }
        int n = 2;
        while (processes.containsKey(service + "-" + n) || state().part(service + "-" + n).isPresent()) {
            n++;
        }
        String name = service + "-" + n;
        int port = Ports.free();
        List<String> replica = command.stream()
                .map(arg -> arg.startsWith("-Dquarkus.http.port=") ? "-Dquarkus.http.port=" + port : arg).toList();
        ManagedProcess p = ManagedProcess.start(name, replica, serviceEnvironment(), runDir,
                runDir.resolve("logs").resolve(name + ".log"));
        register(name, port, "http://127.0.0.1:" + port, p);
        writeState();
        String url = "http://127.0.0.1:" + port + "/q/health/ready";
        p.awaitReady("ready (" + url + ")", Duration.ofSeconds(120), () -> httpOk(url));
        return name;
    }

    /** The part whose process has this pid, if any. */
    public java.util.Optional<String> partWithPid(long pid) {
        return parts.stream().filter(p -> p.pid() == pid).map(StackState.Part::name).findFirst();
    }

    /**
     * Kills a part outright (SIGKILL, as the kernel's OOM killer or a lost node would), without
     * letting it shut down; the part is forgotten, so {@link #deadPart()} does not report it.
     */
    public void killHard(String part) {
        ManagedProcess p = processes.remove(part);
        if (p == null) {
            throw new StackException(part + " is not a running part of this stack");
        }
        ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (p.isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Sends a POSIX signal by name ({@code STOP}, {@code CONT}) to a part: pausing and resuming a worker. */
    public void signal(String part, String signal) {
        ManagedProcess p = processes.get(part);
        if (p == null) {
            throw new StackException(part + " is not a running part of this stack");
        }
        try {
            int rc = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
            if (rc != 0) {
                throw new StackException("kill -" + signal + " " + p.pid() + " exited with " + rc);
            }
        } catch (IOException e) {
            throw new StackException("cannot signal " + part + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops Kafka or the S3 server and starts it again on the same ports with the same data (what
     * a restarted broker or MinIO pod looks like to the services); returns once it is ready.
     */
    public void restartInfrastructure(String part) {
        ManagedProcess old = processes.get(part);
        if (old == null || !(part.equals("kafka") || part.equals("s3"))) {
            throw new StackException(part + " is not kafka or s3 of this stack");
        }
        old.stop(30_000);
        ManagedProcess fresh = part.equals("kafka")
                ? KafkaBroker.start(layout, runDir.resolve("kafka"), marker, kafkaPort, controllerPort)
                : S3Server.start(layout, runDir.resolve("s3"), marker, s3Port);
        processes.put(part, fresh);
        parts.replaceAll(p -> p.name().equals(part) ? new StackState.Part(part, fresh.pid(), p.port(), fresh.log().toString(),
                p.url()) : p);
        writeState();
    }

    /** Stops one service and starts it again on the same port; returns once it is ready. */
    public void restart(String service) {
        List<String> command = serviceCommands.get(service);
        ManagedProcess old = processes.get(service);
        if (command == null || old == null) {
            throw new StackException(service + " is not a service of this stack");
        }
        old.stop(15_000);
        ManagedProcess fresh = ManagedProcess.start(service, command, serviceEnvironment(), runDir, old.log());
        processes.put(service, fresh);
        StackState.Part part = state().part(service).orElseThrow();
        parts.replaceAll(p -> p.name().equals(service) ? new StackState.Part(service, fresh.pid(), p.port(), p.log(), p.url()) : p);
        writeState();
        String url = part.url() + "/q/health/ready";
        fresh.awaitReady("ready again (" + url + ")", Duration.ofSeconds(120), () -> httpOk(url));
    }

    private List<String> serviceCommand(ProjectLayout layout, String service, int port, Map<String, Integer> ports) {
        boolean computes = service.equals("trainer-service") || service.equals("evaluator-service");
        List<String> cmd = new ArrayList<>(List.of(ProjectLayout.javaBinary().toString(), marker,
                "-Xms64m", computes || service.equals("dataset-service") ? "-Xmx1g"
                        : service.equals("gateway") ? "-Xmx512m" : "-Xmx256m", // the gateway converts task uploads
                "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dkafka.bootstrap.servers=" + kafkaBootstrap,
                "-Dmetaloop.s3.endpoint=" + s3Endpoint,
                "-Dmetaloop.s3.access-key=" + S3Server.ACCESS_KEY,
                "-Dmetaloop.s3.secret-key=" + S3Server.SECRET_KEY,
                "-Dmetaloop.s3.bucket=" + BUCKET));
        if (service.equals("gateway") && ports.containsKey("dataset-service")) {
            cmd.add("-Dmetaloop.dataset-service.url=http://127.0.0.1:" + ports.get("dataset-service"));
        }
        if (service.equals("gateway") && ports.containsKey("episode-sampler")) {
            cmd.add("-Dmetaloop.episode-sampler.url=http://127.0.0.1:" + ports.get("episode-sampler"));
        }
        if (service.equals("dataset-service")) {
            cmd.add("-Dmetaloop.datasets.bundled-dir=" + layout.bundledData());
            // the local user imports their own files: from their home, this checkout and the temporary directory
            cmd.add("-Dmetaloop.datasets.import-roots=" + String.join(",", System.getProperty("user.home"),
                    layout.root().toAbsolutePath().toString(), System.getProperty("java.io.tmpdir")));
        }
        if (ProjectLayout.USER_FACING.contains(service)) {
            cmd.add("-Dmp.jwt.verify.publickey.location=" + auth.publicKeyFile());
        }
        if (service.equals("gateway")) {
            cmd.add("-Dmetaloop.auth.service-token-file=" + auth.serviceTokenFile());
        }
        cmd.addAll(options.getOrDefault(service, List.of()));
        cmd.add("-jar");
        cmd.add(layout.serviceJar(service).toString());
        return cmd;
    }

    static boolean httpOk(String url) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void writeState() {
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        state().write();
    }

    public StackState state() {
        return new StackState(runDir.toString(), marker, kafkaBootstrap, s3Endpoint, List.copyOf(parts));
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    public String s3Endpoint() {
        return s3Endpoint;
    }

    /** The stack's keys and tokens (made when its services start). */
    public StackAuth auth() {
        if (auth == null) {
            auth = StackAuth.open(runDir);
        }
        return auth;
    }

    public String serviceUrl(String service) {
        return state().part(service).map(StackState.Part::url)
                .orElseThrow(() -> new StackException(service + " is not part of this stack"));
    }

    /** The first part that has died, with its log tail, if any. */
    public java.util.Optional<String> deadPart() {
        return processes.values().stream().filter(p -> !p.isAlive())
                .map(p -> p.name() + " has died\n" + p.describeLog()).findFirst();
    }

    /** Stops every process of this stack, services first, and removes the state file. */
    @Override
    public void close() {
        List<ManagedProcess> order = new ArrayList<>(processes.values());
        java.util.Collections.reverse(order);
        for (ManagedProcess p : order) {
            p.stop(15_000);
        }
        processes.clear();
        StackState.delete(runDir);
    }

    /**
     * Stops the processes recorded in a run directory by an earlier launcher, checking each pid
     * still carries this run's marker so an unrelated process that reused a pid is never touched.
     *
     * @return the names of the parts that were running and are now stopped
     */
    public static List<String> stopRecorded(Path runDir) {
        List<String> stopped = new ArrayList<>();
        StackState.read(runDir).ifPresent(state -> {
            List<StackState.Part> order = new ArrayList<>(state.parts());
            java.util.Collections.reverse(order);
            for (StackState.Part part : order) {
                ManagedProcess.attach(part.name(), part.pid(), Path.of(part.log()), state.marker()).ifPresent(p -> {
                    p.stop(15_000);
                    stopped.add(part.name());
                });
            }
            StackState.delete(runDir);
        });
        return stopped;
    }

    /** Removes a run directory and everything in it (logs, Kafka and S3 data). */
    public static void deleteRunDirectory(Path runDir) {
        if (!Files.exists(runDir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(runDir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + runDir, e);
        }
    }

    /** One line per recorded part: alive or not, and ready for services. */
    public static List<String> describe(Path runDir) {
        List<String> lines = new ArrayList<>();
        StackState.read(runDir).ifPresentOrElse(state -> {
            for (StackState.Part part : state.parts()) {
                boolean alive = ManagedProcess.attach(part.name(), part.pid(), Path.of(part.log()), state.marker()).isPresent();
                String health = !alive ? "DOWN (see " + part.log() + ")"
                        : part.url() == null || part.name().equals("s3") ? "running"
                        : httpOk(part.url() + "/q/health/ready") ? "ready" : "running, not ready";
                lines.add(String.format("%-18s pid %-8d port %-6d %s", part.name(), part.pid(), part.port(), health));
            }
        }, () -> lines.add("no stack is running in " + runDir));
        return lines;
    }
}
