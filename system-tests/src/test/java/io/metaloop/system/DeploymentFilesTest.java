package io.metaloop.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the deployment files (docker-compose.yml, the Dockerfiles, deploy/prometheus, deploy/grafana,
 * deploy/k8s) against the code they deploy: ports, configuration keys, metric names, probe paths,
 * Kafka topics and share groups. Reads files only; starts nothing.
 */
class DeploymentFilesTest {
    /** The five services: each a Maven module at the repository root and a compose service of the same name. */
    static final List<String> SERVICES = List.of("gateway", "dataset-service", "episode-sampler", "trainer-service",
            "evaluator-service");
    static final String DOCKERFILE = "src/main/docker/Dockerfile.jvm";

    enum Kind { TIMER, COUNTER, GAUGE }

    /** A metric the services expose: its Prometheus name and the kind of Micrometer meter behind it. */
    record Meter(String prometheusName, Kind kind) {
        /** The name the Java code registers: Prometheus' unit/total suffix off, dots for underscores. */
        String micrometerName() {
            String base = prometheusName;
            if (kind == Kind.TIMER) {
                base = strip(base, "_seconds");
            } else if (kind == Kind.COUNTER) {
                base = strip(base, "_total");
            }
            return base.replace('_', '.');
        }

        private static String strip(String name, String suffix) {
            if (!name.endsWith(suffix)) {
                throw new IllegalArgumentException(name + " should end with " + suffix);
            }
            return name.substring(0, name.length() - suffix.length());
        }
    }

    /** Every MetaLoop metric the dashboards and alerts may use; each is checked against the Java sources. */
    static final List<Meter> METERS = List.of(
            new Meter("metaloop_trainer_step_seconds", Kind.TIMER),
            new Meter("metaloop_trainer_data_wait_seconds", Kind.TIMER),
            new Meter("metaloop_trainer_images_total", Kind.COUNTER),
            new Meter("metaloop_trainer_loss", Kind.GAUGE),
            new Meter("metaloop_trainer_images_per_second", Kind.GAUGE),
            new Meter("metaloop_trainer_busy", Kind.GAUGE),
            new Meter("metaloop_trainer_jobs_total", Kind.COUNTER),
            new Meter("metaloop_dataset_batches_served_total", Kind.COUNTER),
            new Meter("metaloop_dataset_bytes_served_total", Kind.COUNTER),
            new Meter("metaloop_dataset_request_duration_seconds", Kind.TIMER),
            new Meter("metaloop_evaluator_trials_total", Kind.COUNTER),
            new Meter("metaloop_evaluator_trials_per_second", Kind.GAUGE),
            new Meter("metaloop_evaluator_evaluation_seconds", Kind.TIMER),
            new Meter("metaloop_evaluator_evaluations_total", Kind.COUNTER),
            new Meter("metaloop_rejected_records_total", Kind.COUNTER));

    /** Quarkus Micrometer's HTTP server timer (not a histogram by default): only these series exist. */
    static final Set<String> HTTP_SERVER_SERIES = Set.of("http_server_requests_seconds_count",
            "http_server_requests_seconds_sum", "http_server_requests_seconds_max");

    static final Pattern METRIC_NAME = Pattern.compile("(?<![A-Za-z0-9_:])(metaloop_[a-z0-9_]+|http_server_[a-z0-9_]+)");
    static final Pattern CONFIG_ENV = Pattern.compile("(KAFKA|METALOOP)_[A-Z0-9_]+");

    static final YAMLMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();

    static Path root;
    static JsonNode compose;
    static Map<String, Integer> ports;
    static String allMainJava;
    static Map<String, String> topicsConstants;

    @BeforeAll
    static void load() throws IOException {
        root = findRoot();
        Path composeFile = root.resolve("docker-compose.yml");
        assertTrue(Files.isRegularFile(composeFile), "docker-compose.yml is missing at the repository root " + root);
        compose = yaml(composeFile);
        assertTrue(compose.path("services").isObject(), "docker-compose.yml has no services: mapping");
        ports = new LinkedHashMap<>();
        for (String service : SERVICES) {
            String port = properties(service).getProperty("quarkus.http.port");
            assertNotNull(port, service + "/src/main/resources/application.properties sets no quarkus.http.port");
            ports.put(service, Integer.parseInt(port.trim()));
        }
        allMainJava = javaSources(root, true);
        topicsConstants = stringConstants(root.resolve("libs/contracts/src/main/java/io/metaloop/contracts/Topics.java"));
    }

    // ---------------------------------------------------------------- bearer-token keys

    /**
     * Every service that reads mp.jwt.verify.publickey.location (those with a REST API of their own)
     * finds the public key there in compose (a secret) and in Kubernetes (Secret metaloop-auth), and
     * the gateway finds its service token at metaloop.auth.service-token-file.
     */
    @Test
    void tokenKeysReachEveryServiceThatVerifiesTokensWhereItsConfigurationLooks() throws IOException {
        List<String> problems = new ArrayList<>();
        List<JsonNode> base = kustomizeResources(root.resolve("deploy/k8s/base"));
        int verifying = 0;
        for (String service : SERVICES) {
            Properties config = properties(service);
            List<String> files = new ArrayList<>();
            for (String key : List.of("mp.jwt.verify.publickey.location", "metaloop.auth.service-token-file")) {
                if (config.getProperty(key) != null) {
                    files.add(config.getProperty(key).trim());
                }
            }
            if (files.isEmpty()) {
                continue;
            }
            verifying++;
            // compose: a secret whose target is the file, and whose source file the keys command writes
            Set<String> targets = new TreeSet<>();
            for (JsonNode secret : compose.path("services").path(service).path("secrets")) {
                targets.add(secret.path("target").asText());
                String file = compose.path("secrets").path(secret.path("source").asText()).path("file").asText();
                if (!file.startsWith("./deploy/auth/")) {
                    problems.add("compose " + service + ": secret " + secret.path("source").asText() + " is not a file in deploy/auth/");
                }
            }
            // Kubernetes: Secret metaloop-auth mounted on the folder of each file, under the file's own name
            JsonNode deployment = find(base, "Deployment", service).orElseThrow();
            Map<String, String> secretVolumes = new TreeMap<>();
            for (JsonNode volume : deployment.path("spec").path("template").path("spec").path("volumes")) {
                if (!volume.path("secret").isMissingNode()) {
                    secretVolumes.put(volume.path("name").asText(), volume.path("secret").path("secretName").asText());
                }
            }
            Set<String> k8sFolders = new TreeSet<>();
            for (JsonNode mount : container(deployment, service).path("volumeMounts")) {
                if ("metaloop-auth".equals(secretVolumes.get(mount.path("name").asText()))) {
                    k8sFolders.add(mount.path("mountPath").asText());
                }
            }
            for (String file : files) {
                if (!targets.contains(file)) {
                    problems.add("compose " + service + ": no secret is mounted at " + file + " (has " + targets + ")");
                }
                String folder = file.substring(0, file.lastIndexOf('/'));
                if (!k8sFolders.contains(folder)) {
                    problems.add("k8s " + service + ": Secret metaloop-auth is not mounted at " + folder + " (mounts " + k8sFolders + ")");
                }
            }
        }
        assertEquals(3, verifying, "gateway, dataset-service and episode-sampler verify tokens");
        assertNoProblems("token keys", problems);
        String readme = Files.readString(root.resolve("deploy/README.md"));
        assertTrue(readme.contains("kubectl") && readme.contains("metaloop-auth") && readme.contains("metaloop keys"),
                "deploy/README.md says how to make Secret metaloop-auth");
    }

    // ---------------------------------------------------------------- docker-compose.yml and Dockerfiles

    @Test
    void composeBuildsEachServiceFromItsModuleDockerfile() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String service : SERVICES) {
            JsonNode s = compose.path("services").path(service);
            if (s.isMissingNode()) {
                problems.add("docker-compose.yml has no service '" + service + "'");
                continue;
            }
            String context = s.path("build").path("context").asText(null);
            String dockerfile = s.path("build").path("dockerfile").asText(null);
            if (context == null || dockerfile == null) {
                problems.add(service + ": build.context and build.dockerfile are required");
                continue;
            }
            Path contextDir = root.resolve(context).normalize();
            if (!contextDir.equals(root.resolve(service))) {
                problems.add(service + ": build.context " + context + " is not the module directory ./" + service);
            }
            if (!Files.isDirectory(contextDir)) {
                problems.add(service + ": build.context " + contextDir + " does not exist");
                continue;
            }
            if (!dockerfile.equals(DOCKERFILE)) {
                problems.add(service + ": dockerfile is " + dockerfile + ", the Quarkus convention is " + DOCKERFILE);
            }
            Path file = contextDir.resolve(dockerfile);
            if (!Files.isRegularFile(file)) {
                problems.add(service + ": " + file + " does not exist");
                continue;
            }
            if (!s.path("image").asText("").startsWith("metaloop/" + service + ":")) {
                problems.add(service + ": image should be metaloop/" + service + ":<version>, is " + s.path("image").asText());
            }
            problems.addAll(dockerfileProblems(service, file));
            Path ignore = contextDir.resolve(".dockerignore");
            if (Files.exists(ignore) && !Files.readString(ignore).contains("!target/quarkus-app")) {
                problems.add(service + ": .dockerignore does not let target/quarkus-app/ into the build context");
            }
        }
        assertNoProblems("docker-compose.yml builds", problems);
    }

    private static List<String> dockerfileProblems(String service, Path file) throws IOException {
        List<String> problems = new ArrayList<>();
        String text = Files.readString(file);
        String where = service + "/" + DOCKERFILE;
        Map<String, Pattern> required = new LinkedHashMap<>();
        required.put("a FROM of registry.access.redhat.com/ubi9/openjdk-17-runtime",
                Pattern.compile("(?m)^FROM\\s+registry\\.access\\.redhat\\.com/ubi9/openjdk-17-runtime:\\S+"));
        for (String part : List.of("lib/", "app/", "quarkus/")) {
            required.put("COPY --chown=185 target/quarkus-app/" + part, Pattern.compile(
                    "(?m)^COPY\\s+--chown=185\\s+target/quarkus-app/" + Pattern.quote(part) + "\\s+/deployments/" + Pattern.quote(part)));
        }
        required.put("COPY --chown=185 target/quarkus-app/*.jar",
                Pattern.compile("(?m)^COPY\\s+--chown=185\\s+target/quarkus-app/\\*\\.jar\\s+/deployments/"));
        required.put("USER 185", Pattern.compile("(?m)^USER\\s+185\\s*$"));
        required.put("JAVA_APP_JAR=/deployments/quarkus-run.jar",
                Pattern.compile("(?m)^ENV\\s+JAVA_APP_JAR=\"?/deployments/quarkus-run\\.jar\"?\\s*$"));
        required.put("EXPOSE " + ports.get(service), Pattern.compile("(?m)^EXPOSE\\s+" + ports.get(service) + "\\s*$"));
        required.forEach((what, pattern) -> {
            if (!pattern.matcher(text).find()) {
                problems.add(where + " lacks " + what);
            }
        });
        Path quarkusRun = root.resolve(service).resolve("target/quarkus-app");
        // the packaging the Dockerfile copies from: a fast-jar (checked when the module has been packaged)
        if (Files.isDirectory(quarkusRun) && !Files.isRegularFile(quarkusRun.resolve("quarkus-run.jar"))) {
            problems.add(service + ": target/quarkus-app has no quarkus-run.jar; is the module still a fast-jar?");
        }
        return problems;
    }

    @Test
    void composePublishesEachServiceOnItsQuarkusHttpPort() {
        List<String> problems = new ArrayList<>();
        for (String service : SERVICES) {
            int port = ports.get(service);
            List<int[]> published = publishedPorts(compose.path("services").path(service));
            if (published.stream().noneMatch(p -> p[0] == port && p[1] == port)) {
                problems.add(service + ": quarkus.http.port is " + port + " but compose publishes "
                        + published.stream().map(p -> p[0] + ":" + p[1]).toList() + " (want \"" + port + ":" + port + "\")");
            }
        }
        // every compose service running a MetaLoop image (the GPU trainer too) listens on the module's port
        forEachMetaLoopComposeService((name, module, s) -> {
            int port = ports.get(module);
            for (int[] p : publishedPorts(s)) {
                if (p[1] != port) {
                    problems.add(name + ": publishes container port " + p[1] + ", " + module + " listens on " + port);
                }
            }
            JsonNode health = s.path("healthcheck").path("test");
            if (!health.isMissingNode()) {
                String test = health.isArray() ? join(health) : health.asText();
                if (!test.contains("/q/health") || !test.contains(String.valueOf(port))) {
                    problems.add(name + ": healthcheck should ask /q/health on port " + port + ": " + test);
                }
            }
        });
        assertNoProblems("compose ports", problems);
    }

    @Test
    void composeEnvironmentSetsOnlyKeysTheModulesRead() {
        List<String> problems = new ArrayList<>();
        JsonNode services = compose.path("services");
        forEachMetaLoopComposeService((name, module, s) -> {
            Map<String, String> env = environment(s);
            Map<String, String> known = configEnvNames(module);
            for (String var : env.keySet()) {
                if (CONFIG_ENV.matcher(var).matches() && !known.containsKey(var)) {
                    problems.add(name + ": " + var + " matches no property " + module + " reads (its kafka./metaloop. keys: "
                            + known.values().stream().filter(k -> k.startsWith("kafka.") || k.startsWith("metaloop.")).sorted().toList() + ")");
                }
            }
            // whatever the module defaults to localhost must be pointed at the stack's containers
            localhostDefaults(module).forEach((key, value) -> {
                if (!env.containsKey(envName(key))) {
                    problems.add(name + ": " + key + " defaults to " + value + "; set " + envName(key));
                }
            });
            hostOf(env.get("KAFKA_BOOTSTRAP_SERVERS")).ifPresent(hostPort -> {
                JsonNode kafka = services.path(hostPort[0]);
                if (!kafka.path("image").asText("").startsWith("apache/kafka:")) {
                    problems.add(name + ": KAFKA_BOOTSTRAP_SERVERS names '" + hostPort[0] + "', not the Kafka service");
                } else if (!environment(kafka).getOrDefault("KAFKA_ADVERTISED_LISTENERS", "")
                        .contains("//" + hostPort[0] + ":" + hostPort[1])) {
                    problems.add(name + ": KAFKA_BOOTSTRAP_SERVERS " + env.get("KAFKA_BOOTSTRAP_SERVERS")
                            + " is not one of Kafka's advertised listeners");
                }
            });
            hostOf(env.get("METALOOP_S3_ENDPOINT")).ifPresent(hostPort -> {
                if (!services.path(hostPort[0]).path("image").asText("").startsWith("minio/minio")) {
                    problems.add(name + ": METALOOP_S3_ENDPOINT names '" + hostPort[0] + "', not the MinIO service");
                }
            });
            hostOf(env.get("METALOOP_DATASET_SERVICE_URL")).ifPresent(hostPort -> {
                if (!hostPort[0].equals("dataset-service") || !hostPort[1].equals(String.valueOf(ports.get("dataset-service")))) {
                    problems.add(name + ": METALOOP_DATASET_SERVICE_URL should be http://dataset-service:"
                            + ports.get("dataset-service") + ", is " + env.get("METALOOP_DATASET_SERVICE_URL"));
                }
            });
        });
        assertNoProblems("compose environment", problems);

        // dataset-service: the bundled datasets directory is the repository's data/ mounted read-only
        JsonNode datasetService = services.path("dataset-service");
        String bundled = environment(datasetService).get("METALOOP_DATASETS_BUNDLED_DIR");
        assertNotNull(bundled, "dataset-service should set METALOOP_DATASETS_BUNDLED_DIR (metaloop.datasets.bundled-dir)");
        Map<String, String> mounts = bindMounts(datasetService);
        Optional<String> source = mounts.entrySet().stream().filter(e -> e.getValue().equals(bundled)).map(Map.Entry::getKey)
                .findFirst();
        assertTrue(source.isPresent(), "dataset-service mounts nothing at " + bundled + " (METALOOP_DATASETS_BUNDLED_DIR); mounts: " + mounts);
        assertEquals(root.resolve("data"), root.resolve(source.get()).normalize(), "the bundled datasets should be the repository's data/");
        assertTrue(Files.isDirectory(root.resolve("data/fashion-mnist")), "data/fashion-mnist is missing");
        assertTrue(volumeSpecs(datasetService).stream().anyMatch(v -> v.endsWith(":" + bundled + ":ro")),
                "dataset-service should mount the datasets read-only");
    }

    @Test
    void minioCredentialsAreTheServicesS3Keys() {
        JsonNode services = compose.path("services");
        JsonNode minio = services.path("minio");
        assertTrue(minio.path("image").asText("").startsWith("minio/minio"), "compose service 'minio' should run minio/minio");
        JsonNode command = minio.path("command");
        assertTrue((command.isArray() ? join(command) : command.asText()).contains("server /data"),
                "minio should run `server /data`");
        Map<String, String> minioEnv = environment(minio);
        String user = minioEnv.get("MINIO_ROOT_USER");
        String password = minioEnv.get("MINIO_ROOT_PASSWORD");
        assertNotNull(user, "minio: MINIO_ROOT_USER is not set");
        assertNotNull(password, "minio: MINIO_ROOT_PASSWORD is not set");
        List<String> problems = new ArrayList<>();
        int s3Services = 0;
        for (Map.Entry<String, JsonNode> e : fields(services)) {
            Optional<String> module = metaLoopModule(e.getKey(), e.getValue());
            if (module.isEmpty() || !configEnvNames(module.get()).containsKey("METALOOP_S3_ACCESS_KEY")) {
                continue;
            }
            s3Services++;
            Map<String, String> env = environment(e.getValue());
            if (!user.equals(env.get("METALOOP_S3_ACCESS_KEY"))) {
                problems.add(e.getKey() + ": METALOOP_S3_ACCESS_KEY " + env.get("METALOOP_S3_ACCESS_KEY") + " != MINIO_ROOT_USER " + user);
            }
            if (!password.equals(env.get("METALOOP_S3_SECRET_KEY"))) {
                problems.add(e.getKey() + ": METALOOP_S3_SECRET_KEY differs from MINIO_ROOT_PASSWORD");
            }
        }
        assertTrue(s3Services >= 3, "expected dataset-service, trainer-service and evaluator-service to use S3; found " + s3Services);
        assertNoProblems("S3 credentials", problems);
    }

    @Test
    void composeKafkaIsKraftAndAtLeast41() throws IOException {
        JsonNode kafka = compose.path("services").path("kafka");
        String image = kafka.path("image").asText("");
        Matcher m = Pattern.compile("apache/kafka:(\\d+)\\.(\\d+)(\\.\\d+)?").matcher(image);
        assertTrue(m.matches(), "compose service 'kafka' should run apache/kafka:<version>, runs '" + image + "'");
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        assertTrue(major > 4 || (major == 4 && minor >= 1),
                "share groups (KIP-932) need Kafka 4.1 or newer; compose runs " + image);
        Map<String, String> env = environment(kafka);
        assertTrue(env.getOrDefault("KAFKA_PROCESS_ROLES", "").contains("broker")
                && env.getOrDefault("KAFKA_PROCESS_ROLES", "").contains("controller"),
                "kafka should be a single KRaft node: KAFKA_PROCESS_ROLES=broker,controller");
        for (String required : List.of("KAFKA_NODE_ID", "KAFKA_LISTENERS", "KAFKA_ADVERTISED_LISTENERS",
                "KAFKA_CONTROLLER_LISTENER_NAMES", "KAFKA_CONTROLLER_QUORUM_VOTERS", "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
                "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR")) {
            assertTrue(env.containsKey(required), "kafka: " + required + " is not set");
        }
        assertTrue(env.keySet().stream().noneMatch(k -> k.contains("ZOOKEEPER")), "kafka: KRaft only, no ZooKeeper settings");
        assertEquals("false", env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"), "kafka: the services create their topics themselves");
        long maxMessage = Long.parseLong(env.getOrDefault("KAFKA_MESSAGE_MAX_BYTES", "0"));
        assertTrue(maxMessage >= maxMessageBytes(),
                "kafka: KAFKA_MESSAGE_MAX_BYTES " + maxMessage + " < KafkaClients.MAX_MESSAGE_BYTES " + maxMessageBytes());
    }

    // ---------------------------------------------------------------- Prometheus and Grafana

    @Test
    void prometheusScrapesEveryServiceAndLoadsItsRules() throws IOException {
        JsonNode prometheus = compose.path("services").path("prometheus");
        assertTrue(prometheus.path("image").asText("").startsWith("prom/prometheus"), "compose service 'prometheus' should run prom/prometheus");
        String configInContainer = "/etc/prometheus/prometheus.yml";
        for (JsonNode arg : prometheus.path("command")) {
            if (arg.asText().startsWith("--config.file=")) {
                configInContainer = arg.asText().substring("--config.file=".length());
            }
        }
        Path config = hostPath(prometheus, configInContainer)
                .orElseThrow(() -> new AssertionError("compose mounts nothing at the Prometheus config file"));
        assertEquals(root.resolve("deploy/prometheus/prometheus.yml"), config, "compose should mount deploy/prometheus/prometheus.yml");
        assertTrue(Files.isRegularFile(config), config + " does not exist");
        JsonNode prom = yaml(config);

        List<String> problems = new ArrayList<>();
        for (String service : SERVICES) {
            String target = service + ":" + ports.get(service);
            boolean found = false;
            for (JsonNode job : prom.path("scrape_configs")) {
                for (JsonNode sc : job.path("static_configs")) {
                    for (JsonNode t : sc.path("targets")) {
                        if (t.asText().equals(target)) {
                            found = true;
                            if (!job.path("metrics_path").asText("/metrics").equals("/q/metrics")) {
                                problems.add("job " + job.path("job_name").asText() + " scrapes " + target + " at "
                                        + job.path("metrics_path").asText("/metrics") + ", the services serve /q/metrics");
                            }
                        }
                    }
                }
            }
            if (!found) {
                problems.add("no scrape target " + target + " in " + root.relativize(config));
            }
        }
        assertNoProblems("Prometheus scrape configs", problems);

        JsonNode ruleFiles = prom.path("rule_files");
        assertTrue(ruleFiles.isArray() && ruleFiles.size() > 0, "prometheus.yml references no rule_files");
        String configDir = configInContainer.substring(0, configInContainer.lastIndexOf('/'));
        for (JsonNode rf : ruleFiles) {
            String inContainer = rf.asText().startsWith("/") ? rf.asText() : configDir + "/" + rf.asText();
            Path rules = hostPath(prometheus, inContainer)
                    .orElseThrow(() -> new AssertionError("rule file " + inContainer + " is not mounted into the prometheus container"));
            assertTrue(Files.isRegularFile(rules), "rule file " + rules + " does not exist");
            JsonNode groups = yaml(rules).path("groups");
            assertTrue(groups.isArray() && groups.size() > 0, rules + " has no rule groups");
            for (JsonNode group : groups) {
                for (JsonNode rule : group.path("rules")) {
                    assertFalse(rule.path("expr").asText("").isBlank(), rules + ": a rule in " + group.path("name").asText() + " has no expr");
                    assertTrue(rule.has("alert") || rule.has("record"), rules + ": a rule is neither alert nor record");
                }
            }
        }
    }

    @Test
    void grafanaProvisionsThePrometheusDatasourceAndTheDashboards() throws IOException {
        JsonNode grafana = compose.path("services").path("grafana");
        assertTrue(grafana.path("image").asText("").startsWith("grafana/grafana"), "compose service 'grafana' should run grafana/grafana");
        Path provisioning = hostPath(grafana, "/etc/grafana/provisioning")
                .orElseThrow(() -> new AssertionError("compose mounts nothing at /etc/grafana/provisioning"));
        assertEquals(root.resolve("deploy/grafana/provisioning"), provisioning);

        JsonNode datasources = yaml(provisioning.resolve("datasources/prometheus.yml")).path("datasources");
        assertTrue(datasources.isArray() && datasources.size() > 0, "no datasources provisioned");
        Set<String> uids = new TreeSet<>();
        for (JsonNode ds : datasources) {
            assertEquals("prometheus", ds.path("type").asText(), "datasource type");
            String host = hostOf(ds.path("url").asText()).map(h -> h[0]).orElse("");
            assertTrue(compose.path("services").path(host).path("image").asText("").startsWith("prom/prometheus"),
                    "datasource url " + ds.path("url").asText() + " is not the compose prometheus service");
            uids.add(ds.path("uid").asText());
        }

        JsonNode providers = yaml(provisioning.resolve("dashboards/metaloop.yml")).path("providers");
        assertTrue(providers.isArray() && providers.size() > 0, "no dashboard providers provisioned");
        List<Path> dashboards = new ArrayList<>();
        for (JsonNode provider : providers) {
            String path = provider.path("options").path("path").asText();
            Path dir = hostPath(grafana, path).orElseThrow(() -> new AssertionError("dashboard provider path " + path + " is not mounted"));
            assertEquals(root.resolve("deploy/grafana/dashboards"), dir);
            try (var files = Files.list(dir)) {
                files.filter(f -> f.toString().endsWith(".json")).sorted().forEach(dashboards::add);
            }
        }
        assertTrue(dashboards.contains(root.resolve("deploy/grafana/dashboards/metaloop-training.json")),
                "metaloop-training.json is not among the provisioned dashboards " + dashboards);

        for (Path file : dashboards) {
            JsonNode dashboard = JSON.readTree(file.toFile());
            assertTrue(dashboard.path("schemaVersion").asInt() >= 36, file + ": schemaVersion should be a current one (~39)");
            assertFalse(dashboard.path("uid").asText("").isBlank(), file + ": dashboard uid missing");
            Set<String> problems = new LinkedHashSet<>();
            int queries = 0;
            for (JsonNode panel : panels(dashboard)) {
                if (panel.path("type").asText().equals("row")) {
                    continue;
                }
                if (panel.path("targets").isEmpty()) {
                    problems.add("panel '" + panel.path("title").asText() + "' has no queries");
                }
                for (JsonNode target : panel.path("targets")) {
                    queries++;
                    if (target.path("expr").asText("").isBlank()) {
                        problems.add("panel '" + panel.path("title").asText() + "' has a query without expr");
                    }
                    for (JsonNode ds : List.of(panel.path("datasource"), target.path("datasource"))) {
                        if (ds.has("uid") && !uids.contains(ds.path("uid").asText())) {
                            problems.add("panel '" + panel.path("title").asText() + "' uses datasource uid "
                                    + ds.path("uid").asText() + ", provisioned: " + uids);
                        }
                    }
                }
            }
            assertTrue(queries > 0, file + " has no queries");
            assertNoProblems(file.getFileName().toString(), new ArrayList<>(problems));
        }
    }

    @Test
    void dashboardsAndAlertsUseOnlyMetricsTheCodeExposes() throws IOException {
        Map<String, String> expressions = new LinkedHashMap<>(); // expression -> where
        Path dashboard = root.resolve("deploy/grafana/dashboards/metaloop-training.json");
        for (JsonNode panel : panels(JSON.readTree(dashboard.toFile()))) {
            for (JsonNode target : panel.path("targets")) {
                expressions.put(target.path("expr").asText(), "dashboard panel '" + panel.path("title").asText() + "'");
            }
        }
        Path alerts = root.resolve("deploy/prometheus/alerts.yml");
        for (JsonNode group : yaml(alerts).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                expressions.put(rule.path("expr").asText(), "alert " + rule.path("alert").asText(rule.path("record").asText()));
            }
        }

        Map<String, Meter> byName = METERS.stream().collect(Collectors.toMap(Meter::prometheusName, m -> m));
        Map<Meter, String> registrations = new HashMap<>();
        for (Meter meter : METERS) {
            registrations.put(meter, registration(meter).orElse(""));
        }
        Set<String> jobs = scrapeJobs();
        List<String> problems = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        expressions.forEach((expr, where) -> {
            Matcher m = METRIC_NAME.matcher(expr);
            while (m.find()) {
                String name = m.group(1);
                used.add(name);
                String why = unknownSeries(name, byName, registrations);
                if (why != null) {
                    problems.add(where + ": " + name + " " + why);
                }
            }
            // client-side quantiles exist only for the values the code publishes
            Matcher q = Pattern.compile("(metaloop_[a-z0-9_]+)\\{[^}]*quantile=\"([0-9.]+)\"").matcher(expr);
            while (q.find()) {
                Meter meter = byName.get(q.group(1));
                String registration = meter == null ? "" : registrations.get(meter);
                if (!registration.contains("publishPercentiles") || !registration.contains(q.group(2))) {
                    problems.add(where + ": " + q.group(1) + " publishes no quantile " + q.group(2));
                }
            }
            // label values the code sets
            Matcher outcome = Pattern.compile("outcome=\"([^\"]+)\"").matcher(expr);
            while (outcome.find()) {
                if (!allMainJava.contains("\"" + outcome.group(1) + "\"")) {
                    problems.add(where + ": no code sets outcome=\"" + outcome.group(1) + "\"");
                }
            }
            Matcher job = Pattern.compile("job=~?\"([^\"]+)\"").matcher(expr);
            while (job.find()) {
                for (String j : job.group(1).split("\\|")) {
                    if (!jobs.contains(j)) {
                        problems.add(where + ": job \"" + j + "\" is no scrape job of prometheus.yml " + jobs);
                    }
                }
            }
        });
        assertNoProblems("metric names in the dashboard and alerts", problems);

        // the dashboard shows what it is meant to show
        for (String required : List.of("metaloop_trainer_loss", "metaloop_trainer_images_per_second",
                "metaloop_trainer_step_seconds", "metaloop_trainer_data_wait_seconds_sum", "metaloop_trainer_step_seconds_sum",
                "metaloop_dataset_batches_served_total", "metaloop_dataset_bytes_served_total", "metaloop_rejected_records_total",
                "metaloop_evaluator_trials_total", "http_server_requests_seconds_count")) {
            assertTrue(used.contains(required), "neither the dashboard nor the alerts use " + required);
        }
    }

    private static String unknownSeries(String name, Map<String, Meter> byName, Map<Meter, String> registrations) {
        if (name.startsWith("http_server_")) {
            return HTTP_SERVER_SERIES.contains(name) ? null : "is not a series of Quarkus' http_server_requests timer " + HTTP_SERVER_SERIES;
        }
        if (byName.containsKey(name)) {
            Meter meter = byName.get(name);
            if (meter.kind() == Kind.TIMER && !registrations.get(meter).contains("publishPercentiles")) {
                return "has no bare series: the timer publishes no quantiles (use _sum/_count/_max)";
            }
            return null;
        }
        for (Meter meter : METERS) {
            if (meter.kind() != Kind.TIMER || !name.startsWith(meter.prometheusName() + "_")) {
                continue;
            }
            String suffix = name.substring(meter.prometheusName().length());
            if (Set.of("_count", "_sum", "_max").contains(suffix)) {
                return null;
            }
            if (suffix.equals("_bucket")) {
                return registrations.get(meter).contains("publishPercentileHistogram") ? null
                        : "does not exist: the timer publishes no histogram";
            }
        }
        return "is not a metric the services expose; known: " + new TreeSet<>(byName.keySet());
    }

    @Test
    void everyKnownMetricIsRegisteredInTheJavaSources() {
        List<String> problems = new ArrayList<>();
        for (Meter meter : METERS) {
            String literal = "\"" + meter.micrometerName() + "\"";
            if (!allMainJava.contains(literal)) {
                problems.add(meter.prometheusName() + ": no string literal " + literal + " in any */src/main/java");
            } else if (registration(meter).isEmpty()) {
                problems.add(meter.prometheusName() + ": " + literal + " is not registered as a " + meter.kind()
                        + " (Micrometer's " + meter.kind().name().charAt(0) + meter.kind().name().substring(1).toLowerCase(Locale.ROOT)
                        + ".builder or registry." + meter.kind().name().toLowerCase(Locale.ROOT) + ")");
            }
        }
        assertNoProblems("meters", problems);
        assertTrue(registration(METERS.get(0)).orElseThrow().contains("publishPercentiles"),
                "metaloop.trainer.step should publish the p50/p95 quantiles the dashboard shows");
    }

    /** The source text that registers the meter, from the builder call to register(...), if the code registers it as that kind. */
    private static Optional<String> registration(Meter meter) {
        String kindName = switch (meter.kind()) {
            case TIMER -> "Timer";
            case COUNTER -> "Counter";
            case GAUGE -> "Gauge";
        };
        String quoted = Pattern.quote("\"" + meter.micrometerName() + "\"");
        Matcher m = Pattern.compile("(" + kindName + "\\.builder|\\." + kindName.toLowerCase(Locale.ROOT) + ")\\(\\s*" + quoted)
                .matcher(allMainJava);
        if (!m.find()) {
            return Optional.empty();
        }
        int end = allMainJava.indexOf(';', m.end());
        return Optional.of(allMainJava.substring(m.start(), end < 0 ? allMainJava.length() : end));
    }

    // ---------------------------------------------------------------- Kubernetes

    @Test
    void everyK8sFileParsesAndEveryKustomizationPathExists() throws IOException {
        Path k8s = root.resolve("deploy/k8s");
        List<Path> files = yamlFiles(k8s);
        assertTrue(files.size() >= 5, "expected the kustomize layout under deploy/k8s, found " + files);
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            List<JsonNode> docs;
            try {
                docs = yamlDocuments(file);
            } catch (IOException e) {
                problems.add(root.relativize(file) + " does not parse: " + e.getMessage());
                continue;
            }
            if (docs.isEmpty()) {
                problems.add(root.relativize(file) + " holds no document");
            }
            for (JsonNode doc : docs) {
                if (!doc.hasNonNull("apiVersion") || !doc.hasNonNull("kind")) {
                    problems.add(root.relativize(file) + ": a document without apiVersion/kind");
                }
            }
            if (file.getFileName().toString().equals("kustomization.yaml") && !docs.isEmpty()) {
                for (String ref : kustomizationPaths(docs.get(0))) {
                    Path target = file.getParent().resolve(ref).normalize();
                    if (!Files.exists(target)) {
                        problems.add(root.relativize(file) + ": " + ref + " does not exist");
                    } else if (Files.isDirectory(target) && !Files.exists(target.resolve("kustomization.yaml"))) {
                        problems.add(root.relativize(file) + ": " + ref + " is a directory without kustomization.yaml");
                    }
                }
            }
        }
        assertNoProblems("deploy/k8s files", problems);
        for (String overlay : List.of("cpu", "gpu")) {
            Path kustomization = k8s.resolve("overlays/" + overlay + "/kustomization.yaml");
            assertTrue(Files.isRegularFile(kustomization), kustomization + " is missing");
            assertTrue(textList(yaml(kustomization).path("resources")).contains("../../base"), overlay + " overlay should build on ../../base");
        }
    }

    @Test
    void baseHasADeploymentAndServicePerServiceOnItsPortWithHealthProbes() throws IOException {
        List<JsonNode> base = kustomizeResources(root.resolve("deploy/k8s/base"));
        List<String> problems = new ArrayList<>();
        for (String service : SERVICES) {
            int port = ports.get(service);
            Optional<JsonNode> deployment = find(base, "Deployment", service);
            Optional<JsonNode> svc = find(base, "Service", service);
            if (deployment.isEmpty() || svc.isEmpty()) {
                problems.add(service + ": base needs a Deployment and a Service named " + service);
                continue;
            }
            JsonNode pod = deployment.get().path("spec").path("template");
            JsonNode container = container(deployment.get(), service);
            if (container == null) {
                problems.add(service + ": the Deployment has no container named " + service);
                continue;
            }
            Map<String, Integer> containerPorts = new HashMap<>();
            for (JsonNode p : container.path("ports")) {
                containerPorts.put(p.path("name").asText(String.valueOf(p.path("containerPort").asInt())), p.path("containerPort").asInt());
            }
            if (!containerPorts.containsValue(port)) {
                problems.add(service + ": containerPort should be " + port + " (quarkus.http.port), is " + containerPorts.values());
            }
            if (!container.path("image").asText("").startsWith("metaloop/" + service + ":")) {
                problems.add(service + ": image should be metaloop/" + service + ":<tag>");
            }
            for (String[] probe : new String[][] {{"livenessProbe", "/q/health/live"}, {"readinessProbe", "/q/health/ready"}}) {
                JsonNode get = container.path(probe[0]).path("httpGet");
                if (!get.path("path").asText().equals(probe[1])) {
                    problems.add(service + ": " + probe[0] + " should GET " + probe[1] + ", gets " + get.path("path").asText("(none)"));
                }
                if (resolvePort(get.path("port"), containerPorts) != port) {
                    problems.add(service + ": " + probe[0] + " port " + get.path("port").asText() + " is not " + port);
                }
            }
            JsonNode startup = container.path("startupProbe").path("httpGet");
            if (!startup.isMissingNode() && (resolvePort(startup.path("port"), containerPorts) != port
                    || !startup.path("path").asText().startsWith("/q/health"))) {
                problems.add(service + ": startupProbe should GET /q/health/... on " + port);
            }
            JsonNode annotations = pod.path("metadata").path("annotations");
            if (!annotations.path("prometheus.io/scrape").asText().equals("true")
                    || !annotations.path("prometheus.io/port").asText().equals(String.valueOf(port))
                    || !annotations.path("prometheus.io/path").asText().equals("/q/metrics")) {
                problems.add(service + ": pod annotations should be prometheus.io/scrape=true, port=" + port + ", path=/q/metrics");
            }
            for (String section : List.of("requests", "limits")) {
                for (String resource : List.of("cpu", "memory")) {
                    if (container.path("resources").path(section).path(resource).asText("").isBlank()) {
                        problems.add(service + ": resources." + section + "." + resource + " is not set");
                    }
                }
            }
            // the Service reaches the pods on the HTTP port
            JsonNode podLabels = pod.path("metadata").path("labels");
            for (Map.Entry<String, JsonNode> sel : fields(svc.get().path("spec").path("selector"))) {
                if (!podLabels.path(sel.getKey()).asText().equals(sel.getValue().asText())) {
                    problems.add(service + ": Service selector " + sel.getKey() + "=" + sel.getValue().asText() + " does not match the pods");
                }
            }
            if (svc.get().path("spec").path("selector").isEmpty()) {
                problems.add(service + ": Service has no selector");
            }
            boolean served = false;
            for (JsonNode p : svc.get().path("spec").path("ports")) {
                JsonNode target = p.has("targetPort") ? p.path("targetPort") : p.path("port");
                served |= p.path("port").asInt() == port && resolvePort(target, containerPorts) == port;
            }
            if (!served) {
                problems.add(service + ": Service should expose port " + port + " onto the container's " + port);
            }
        }
        assertNoProblems("deploy/k8s/base Deployments and Services", problems);
    }

    @Test
    void k8sEnvironmentComesFromTheConfigMapAndSecretAndMatchesTheCode() throws IOException {
        List<JsonNode> base = kustomizeResources(root.resolve("deploy/k8s/base"));
        JsonNode configMap = find(base, "ConfigMap", "metaloop-config")
                .orElseThrow(() -> new AssertionError("base has no ConfigMap metaloop-config"));
        JsonNode secret = find(base, "Secret", "metaloop-s3").orElseThrow(() -> new AssertionError("base has no Secret metaloop-s3"));
        Set<String> configKeys = names(configMap.path("data"));
        Set<String> secretKeys = new TreeSet<>(names(secret.path("stringData")));
        secretKeys.addAll(names(secret.path("data")));

        List<String> problems = new ArrayList<>();
        Map<String, String> s3KeyRefs = new TreeMap<>(); // env var -> secret key, as the services use them
        for (String service : SERVICES) {
            JsonNode deployment = find(base, "Deployment", service).orElse(null);
            JsonNode container = deployment == null ? null : container(deployment, service);
            if (container == null) {
                problems.add(service + ": no Deployment/container in base");
                continue;
            }
            Map<String, String> known = configEnvNames(service);
            Set<String> set = new TreeSet<>();
            for (JsonNode env : container.path("env")) {
                String name = env.path("name").asText();
                set.add(name);
                if (CONFIG_ENV.matcher(name).matches() && !known.containsKey(name)) {
                    problems.add(service + ": " + name + " matches no property " + service + " reads");
                }
                JsonNode cm = env.path("valueFrom").path("configMapKeyRef");
                JsonNode sk = env.path("valueFrom").path("secretKeyRef");
                if (!cm.isMissingNode() && (!cm.path("name").asText().equals("metaloop-config") || !configKeys.contains(cm.path("key").asText()))) {
                    problems.add(service + ": " + name + " refers to ConfigMap " + cm.path("name").asText() + " key " + cm.path("key").asText()
                            + ", which metaloop-config does not have");
                }
                if (!sk.isMissingNode()) {
                    if (!sk.path("name").asText().equals("metaloop-s3") || !secretKeys.contains(sk.path("key").asText())) {
                        problems.add(service + ": " + name + " refers to Secret " + sk.path("name").asText() + " key " + sk.path("key").asText()
                                + ", which metaloop-s3 does not have");
                    }
                    String previous = s3KeyRefs.put(name, sk.path("key").asText());
                    if (previous != null && !previous.equals(sk.path("key").asText())) {
                        problems.add(service + ": " + name + " comes from a different Secret key than in the other services");
                    }
                }
            }
            for (JsonNode envFrom : container.path("envFrom")) {
                problems.add(service + ": envFrom " + envFrom + " hides which keys the service gets; use env with valueFrom");
            }
            localhostDefaults(service).forEach((key, value) -> {
                if (!set.contains(envName(key))) {
                    problems.add(service + ": " + key + " defaults to " + value + "; set " + envName(key));
                }
            });
        }
        assertNoProblems("Kubernetes environment", problems);

        // Strimzi cluster "metaloop": bootstrap Service metaloop-kafka-bootstrap on the plain listener's port
        JsonNode kafka = find(base, "Kafka", "metaloop").orElseThrow(() -> new AssertionError("base has no Strimzi Kafka named metaloop"));
        assertTrue(kafka.path("apiVersion").asText().matches("kafka\\.strimzi\\.io/v1(beta2)?"),
                "Kafka apiVersion should be kafka.strimzi.io/v1beta2 (or v1), is " + kafka.path("apiVersion").asText());
        assertTrue(kafka.path("spec").path("kafka").path("version").asText().startsWith("4.2."),
                "Strimzi Kafka version should be 4.2.x (share groups), is " + kafka.path("spec").path("kafka").path("version").asText());
        assertTrue(kafka.path("spec").path("zookeeper").isMissingNode(), "KRaft only: no spec.zookeeper");
        long maxMessage = kafka.path("spec").path("kafka").path("config").path("message.max.bytes").asLong();
        assertTrue(maxMessage >= maxMessageBytes(), "Kafka config message.max.bytes " + maxMessage + " < " + maxMessageBytes());
        JsonNode pool = base.stream().filter(d -> d.path("kind").asText().equals("KafkaNodePool"))
                .filter(d -> d.path("metadata").path("labels").path("strimzi.io/cluster").asText().equals("metaloop"))
                .findFirst().orElseThrow(() -> new AssertionError("base has no KafkaNodePool for cluster metaloop"));
        Set<String> roles = new TreeSet<>(textList(pool.path("spec").path("roles")));
        assertTrue(roles.containsAll(Set.of("broker", "controller")), "the node pool should hold broker and controller roles, has " + roles);
        int plainPort = -1;
        for (JsonNode listener : kafka.path("spec").path("kafka").path("listeners")) {
            if (!listener.path("tls").asBoolean()) {
                plainPort = listener.path("port").asInt();
            }
        }
        assertEquals("metaloop-kafka-bootstrap:" + plainPort, configMap.path("data").path("KAFKA_BOOTSTRAP_SERVERS").asText(),
                "KAFKA_BOOTSTRAP_SERVERS should be the Strimzi bootstrap Service on the plain listener");
        assertEquals("http://dataset-service:" + ports.get("dataset-service"),
                configMap.path("data").path("METALOOP_DATASET_SERVICE_URL").asText(), "METALOOP_DATASET_SERVICE_URL");

        // MinIO's root user is the services' S3 key pair
        JsonNode minio = find(base, "StatefulSet", "minio").orElseThrow(() -> new AssertionError("base has no MinIO StatefulSet"));
        JsonNode minioContainer = minio.path("spec").path("template").path("spec").path("containers").path(0);
        Map<String, String> minioRefs = new TreeMap<>();
        for (JsonNode env : minioContainer.path("env")) {
            JsonNode sk = env.path("valueFrom").path("secretKeyRef");
            if (sk.path("name").asText().equals("metaloop-s3")) {
                minioRefs.put(env.path("name").asText(), sk.path("key").asText());
            }
        }
        assertEquals(s3KeyRefs.get("METALOOP_S3_ACCESS_KEY"), minioRefs.get("MINIO_ROOT_USER"),
                "MINIO_ROOT_USER should come from the Secret key the services use as METALOOP_S3_ACCESS_KEY");
        assertEquals(s3KeyRefs.get("METALOOP_S3_SECRET_KEY"), minioRefs.get("MINIO_ROOT_PASSWORD"),
                "MINIO_ROOT_PASSWORD should come from the Secret key the services use as METALOOP_S3_SECRET_KEY");
        assertNotNull(s3KeyRefs.get("METALOOP_S3_ACCESS_KEY"), "no service takes METALOOP_S3_ACCESS_KEY from the Secret");
    }

    @Test
    void kedaScalesTheWorkersOnTheirShareGroupsAndTopics() throws IOException {
        // the share groups and topics the workers use, as io.metaloop.contracts.Topics declares them (read as text)
        String trainersGroup = topicsConstants.get("TRAINERS_GROUP");
        String jobs = topicsConstants.get("JOBS");
        String evaluatorsGroup = topicsConstants.get("EVALUATORS_GROUP");
        String evalRequests = topicsConstants.get("EVAL_REQUESTS");
        for (String constant : List.of("TRAINERS_GROUP", "JOBS", "EVALUATORS_GROUP", "EVAL_REQUESTS")) {
            assertNotNull(topicsConstants.get(constant), "Topics.java declares no String constant " + constant);
        }

        List<JsonNode> all = new ArrayList<>();
        for (Path file : yamlFiles(root.resolve("deploy/k8s"))) {
            all.addAll(yamlDocuments(file));
        }
        List<JsonNode> base = kustomizeResources(root.resolve("deploy/k8s/base"));
        for (String[] expected : new String[][] {{"trainer-service", trainersGroup, jobs, "TRAINERS_GROUP", "JOBS"},
                {"evaluator-service", evaluatorsGroup, evalRequests, "EVALUATORS_GROUP", "EVAL_REQUESTS"}}) {
            String service = expected[0];
            JsonNode scaled = all.stream().filter(d -> d.path("kind").asText().equals("ScaledObject"))
                    .filter(d -> d.path("spec").path("scaleTargetRef").path("name").asText().equals(service))
                    .findFirst().orElseThrow(() -> new AssertionError("no KEDA ScaledObject targets " + service));
            assertEquals("keda.sh/v1alpha1", scaled.path("apiVersion").asText(), service + " ScaledObject apiVersion");
            assertEquals(1, scaled.path("spec").path("minReplicaCount").asInt(-1), service + ": minReplicaCount");
            assertEquals(8, scaled.path("spec").path("maxReplicaCount").asInt(-1), service + ": maxReplicaCount");
            JsonNode trigger = scaled.path("spec").path("triggers").path(0);
            assertEquals("kafka", trigger.path("type").asText(), service + ": trigger type");
            JsonNode meta = trigger.path("metadata");
            assertEquals(expected[1], meta.path("consumerGroup").asText(),
                    service + ": consumerGroup should be its share group, Topics." + expected[3]);
            assertEquals(expected[2], meta.path("topic").asText(), service + ": topic should be Topics." + expected[4]);
            assertEquals("1", meta.path("lagThreshold").asText(), service + ": lagThreshold (one job per replica)");
            assertTrue(meta.path("bootstrapServers").asText().matches("metaloop-kafka-bootstrap(\\.[a-z0-9-]+)*:9092"),
                    service + ": bootstrapServers should be the Strimzi bootstrap Service, is " + meta.path("bootstrapServers").asText());
            JsonNode deployment = find(base, "Deployment", service).orElseThrow(() -> new AssertionError("no Deployment " + service));
            assertTrue(deployment.path("spec").path("replicas").isMissingNode(),
                    service + ": KEDA owns the replica count; the Deployment should not set spec.replicas");
        }
        // the names deploy/README.md and the ScaledObjects' comments spell out
        assertEquals("metaloop-trainers", trainersGroup, "Topics.TRAINERS_GROUP changed: update deploy/README.md too");
        assertEquals("metaloop.jobs", jobs, "Topics.JOBS changed: update deploy/README.md too");
        assertEquals("metaloop-evaluators", evaluatorsGroup, "Topics.EVALUATORS_GROUP changed: update deploy/README.md too");
        assertEquals("metaloop.eval-requests", evalRequests, "Topics.EVAL_REQUESTS changed: update deploy/README.md too");
        // both overlays carry the ScaledObjects
        for (String overlay : List.of("cpu", "gpu")) {
            List<JsonNode> rendered = kustomizeResources(root.resolve("deploy/k8s/overlays/" + overlay));
            assertTrue(find(rendered, "ScaledObject", "trainer-service").isPresent(), overlay + " overlay lacks the trainer ScaledObject");
            assertTrue(find(rendered, "ScaledObject", "evaluator-service").isPresent(), overlay + " overlay lacks the evaluator ScaledObject");
        }
    }

    @Test
    void gpuOverlayGivesTheWorkersAGpuAndCudaImages() throws IOException {
        Path overlay = root.resolve("deploy/k8s/overlays/gpu");
        JsonNode kustomization = yaml(overlay.resolve("kustomization.yaml"));
        List<JsonNode> base = kustomizeResources(root.resolve("deploy/k8s/base"));
        for (String service : List.of("trainer-service", "evaluator-service")) {
            boolean tagged = false;
            for (JsonNode image : kustomization.path("images")) {
                tagged |= image.path("name").asText().equals("metaloop/" + service) && image.path("newTag").asText().equals("0.1.0-cuda");
            }
            assertTrue(tagged, "gpu overlay should set image metaloop/" + service + " to tag 0.1.0-cuda");
            JsonNode patch = null;
            for (String ref : kustomizationPaths(kustomization)) {
                Path file = overlay.resolve(ref);
                if (Files.isRegularFile(file)) {
                    for (JsonNode doc : yamlDocuments(file)) {
                        if (doc.path("kind").asText().equals("Deployment") && doc.path("metadata").path("name").asText().equals(service)) {
                            patch = doc;
                        }
                    }
                }
            }
            assertNotNull(patch, "gpu overlay has no patch of Deployment " + service);
            JsonNode podSpec = patch.path("spec").path("template").path("spec");
            JsonNode container = podSpec.path("containers").path(0);
            JsonNode baseDeployment = find(base, "Deployment", service).orElseThrow(() -> new AssertionError("no Deployment " + service));
            assertNotNull(container(baseDeployment, container.path("name").asText()),
                    service + ": the patch names container '" + container.path("name").asText()
                            + "', which the base Deployment does not have (the patch would add a second container)");
            assertEquals("1", container.path("resources").path("limits").path("nvidia.com/gpu").asText(), service + ": limits nvidia.com/gpu");
            assertTrue(!podSpec.path("nodeSelector").isEmpty() || !podSpec.path("tolerations").isEmpty(),
                    service + ": GPU pods need a node selector or toleration for GPU nodes");
        }
    }

    // ---------------------------------------------------------------- helpers: repository, code

    static Path findRoot() {
        String home = System.getProperty("metaloop.home");
        if (home != null && !home.isBlank() && Files.isRegularFile(Path.of(home).resolve("mvnw"))) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("libs"))) {
                return dir.normalize();
            }
        }
        throw new IllegalStateException("cannot find the repository root (no metaloop.home, no mvnw above " + Path.of("").toAbsolutePath() + ")");
    }

    static Properties properties(String module) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(root.resolve(module).resolve("src/main/resources/application.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static final Map<String, String> MODULE_SOURCES = new HashMap<>();

    static String moduleJava(String module) {
        return MODULE_SOURCES.computeIfAbsent(module, m -> {
            try {
                return javaSources(root.resolve(m).resolve("src/main/java"), false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The text of the .java files under dir; with mainOnly, only those under some src/main/java. */
    static String javaSources(Path dir, boolean mainOnly) throws IOException {
        StringBuilder all = new StringBuilder();
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                String name = d.getFileName() == null ? "" : d.getFileName().toString();
                boolean skip = !d.equals(dir) && (name.equals("target") || name.startsWith(".") || name.equals("node_modules")
                        || name.equals("data") && d.getParent().equals(root));
                return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                if (f.toString().endsWith(".java") && (!mainOnly || f.toString().replace('\\', '/').contains("/src/main/java/"))) {
                    files.add(f);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(null);
        for (Path f : files) {
            all.append(Files.readString(f)).append('\n');
        }
        return all.toString();
    }

    /**
     * Environment-variable names of the properties a module reads, mapped to the property: its
     * application.properties keys, @ConfigProperty names and, for @ConfigMapping interfaces, prefix + kebab-cased method.
     */
    static Map<String, String> configEnvNames(String module) {
        Set<String> keys = new LinkedHashSet<>(properties(module).stringPropertyNames());
        String java = moduleJava(module);
        Matcher prop = Pattern.compile("@ConfigProperty\\(\\s*name\\s*=\\s*\"([^\"]+)\"").matcher(java);
        while (prop.find()) {
            keys.add(prop.group(1));
        }
        // one interface per file: split the module's text at each @ConfigMapping and read its methods up to the next type
        Matcher mapping = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"\\s*\\)").matcher(java);
        while (mapping.find()) {
            int end = java.indexOf("\npackage ", mapping.end());
            String body = java.substring(mapping.end(), end < 0 ? java.length() : end);
            Matcher method = Pattern.compile("(?m)^\\s+[\\w.<>, ?\\[\\]]+\\s+(\\w+)\\(\\)\\s*;").matcher(body);
            while (method.find()) {
                keys.add(mapping.group(1) + "." + kebab(method.group(1)));
            }
        }
        Map<String, String> byEnv = new TreeMap<>();
        for (String key : keys) {
            byEnv.put(envName(key), key);
        }
        return byEnv;
    }

    /** The properties whose default in application.properties points at localhost, which no container can use. */
    static Map<String, String> localhostDefaults(String module) {
        Map<String, String> result = new TreeMap<>();
        Properties p = properties(module);
        for (String key : p.stringPropertyNames()) {
            if (!key.startsWith("%") && p.getProperty(key).contains("localhost")) {
                result.put(key, p.getProperty(key));
            }
        }
        return result;
    }

    /** Quarkus' environment-variable form of a property name: upper case, every other character an underscore. */
    static String envName(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    static Map<String, String> stringConstants(Path javaFile) throws IOException {
        assertTrue(Files.isRegularFile(javaFile), javaFile + " is missing");
        Map<String, String> constants = new TreeMap<>();
        Matcher m = Pattern.compile("static\\s+final\\s+String\\s+(\\w+)\\s*=\\s*\"([^\"]*)\"\\s*;").matcher(Files.readString(javaFile));
        while (m.find()) {
            constants.put(m.group(1), m.group(2));
        }
        return constants;
    }

    /** KafkaClients.MAX_MESSAGE_BYTES, evaluated from its source (a product of integer literals). */
    static long maxMessageBytes() throws IOException {
        String text = Files.readString(root.resolve("libs/messaging/src/main/java/io/metaloop/messaging/KafkaClients.java"));
        Matcher m = Pattern.compile("MAX_MESSAGE_BYTES\\s*=\\s*([0-9_\\s*]+);").matcher(text);
        assertTrue(m.find(), "KafkaClients.MAX_MESSAGE_BYTES not found");
        long value = 1;
        for (String factor : m.group(1).split("\\*")) {
            value *= Long.parseLong(factor.trim().replace("_", ""));
        }
        return value;
    }

    // ---------------------------------------------------------------- helpers: compose

    interface ComposeServiceCheck {
        void check(String name, String module, JsonNode service);
    }

    /** Calls check for every compose service that runs one of the five MetaLoop images. */
    static void forEachMetaLoopComposeService(ComposeServiceCheck check) {
        for (Map.Entry<String, JsonNode> e : fields(compose.path("services"))) {
            metaLoopModule(e.getKey(), e.getValue()).ifPresent(module -> check.check(e.getKey(), module, e.getValue()));
        }
    }

    static Optional<String> metaLoopModule(String name, JsonNode service) {
        String image = service.path("image").asText("");
        for (String module : SERVICES) {
            if (name.equals(module) || image.startsWith("metaloop/" + module + ":")) {
                return Optional.of(module);
            }
        }
        return Optional.empty();
    }

    static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new TreeMap<>();
        JsonNode e = service.path("environment");
        if (e.isObject()) {
            for (Map.Entry<String, JsonNode> f : fields(e)) {
                env.put(f.getKey(), f.getValue().isNull() ? "" : f.getValue().asText());
            }
        } else if (e.isArray()) {
            for (JsonNode item : e) {
                String[] kv = item.asText().split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return env;
    }

    /** Published ports as {host, container}. */
    static List<int[]> publishedPorts(JsonNode service) {
        List<int[]> result = new ArrayList<>();
        for (JsonNode p : service.path("ports")) {
            if (p.isObject()) {
                result.add(new int[] {p.path("published").asInt(-1), p.path("target").asInt(-1)});
                continue;
            }
            String[] parts = p.asText().replaceAll("/(tcp|udp)$", "").split(":");
            int container = Integer.parseInt(parts[parts.length - 1]);
            int host = parts.length >= 2 ? Integer.parseInt(parts[parts.length - 2]) : -1;
            result.add(new int[] {host, container});
        }
        return result;
    }

    static List<String> volumeSpecs(JsonNode service) {
        List<String> specs = new ArrayList<>();
        for (JsonNode v : service.path("volumes")) {
            if (v.isObject()) {
                specs.add(v.path("source").asText() + ":" + v.path("target").asText() + (v.path("read_only").asBoolean() ? ":ro" : ""));
            } else {
                specs.add(v.asText());
            }
        }
        return specs;
    }

    /** Bind mounts of a compose service: host path (as written) to container path. */
    static Map<String, String> bindMounts(JsonNode service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (String spec : volumeSpecs(service)) {
            String[] parts = spec.split(":");
            if (parts.length >= 2 && (parts[0].startsWith(".") || parts[0].startsWith("/"))) {
                mounts.put(parts[0], parts[1]);
            }
        }
        return mounts;
    }

    /** The file or directory on this machine that a compose service sees at containerPath, through its bind mounts. */
    static Optional<Path> hostPath(JsonNode service, String containerPath) {
        String best = null;
        String bestHost = null;
        for (Map.Entry<String, String> m : bindMounts(service).entrySet()) {
            String target = m.getValue();
            if ((containerPath.equals(target) || containerPath.startsWith(target + "/")) && (best == null || target.length() > best.length())) {
                best = target;
                bestHost = m.getKey();
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        String rest = containerPath.substring(best.length()).replaceFirst("^/", "");
        Path host = root.resolve(bestHost).normalize();
        return Optional.of(rest.isEmpty() ? host : host.resolve(rest).normalize());
    }

    /** {host, port} of "host:port", "scheme://host:port/..." or the first of a comma-separated list. */
    static Optional<String[]> hostOf(String address) {
        if (address == null || address.isBlank()) {
            return Optional.empty();
        }
        String a = address.split(",")[0].trim().replaceFirst("^[a-z]+://", "");
        a = a.split("/")[0];
        String[] hp = a.split(":");
        return Optional.of(new String[] {hp[0], hp.length > 1 ? hp[1] : ""});
    }

    static Set<String> scrapeJobs() throws IOException {
        Set<String> jobs = new TreeSet<>();
        for (JsonNode job : yaml(root.resolve("deploy/prometheus/prometheus.yml")).path("scrape_configs")) {
            jobs.add(job.path("job_name").asText());
        }
        return jobs;
    }

    // ---------------------------------------------------------------- helpers: YAML, JSON, kustomize

    static JsonNode yaml(Path file) throws IOException {
        JsonNode node = YAML.readTree(file.toFile());
        assertNotNull(node, file + " is empty");
        return node;
    }

    static List<JsonNode> yamlDocuments(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(new StringReader(Files.readString(file)))) {
            while (it.hasNextValue()) {
                JsonNode doc = it.nextValue();
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    static List<Path> yamlFiles(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted().toList();
        }
    }

    /** Paths a kustomization refers to: resources, components, patches (path), patchesStrategicMerge. */
    static List<String> kustomizationPaths(JsonNode k) {
        List<String> refs = new ArrayList<>();
        refs.addAll(textList(k.path("resources")));
        refs.addAll(textList(k.path("components")));
        refs.addAll(textList(k.path("patchesStrategicMerge")));
        for (JsonNode patch : k.path("patches")) {
            if (patch.isTextual()) {
                refs.add(patch.asText());
            } else if (patch.has("path")) {
                refs.add(patch.path("path").asText());
            }
        }
        return refs;
    }

    /** The documents a kustomization directory brings in through resources and components (patches not applied). */
    static List<JsonNode> kustomizeResources(Path dir) throws IOException {
        Path file = dir.resolve("kustomization.yaml");
        assertTrue(Files.isRegularFile(file), file + " is missing");
        JsonNode k = yaml(file);
        List<JsonNode> docs = new ArrayList<>();
        List<String> refs = new ArrayList<>(textList(k.path("resources")));
        refs.addAll(textList(k.path("components")));
        for (String ref : refs) {
            Path target = dir.resolve(ref).normalize();
            if (Files.isDirectory(target)) {
                docs.addAll(kustomizeResources(target));
            } else {
                docs.addAll(yamlDocuments(target));
            }
        }
        return docs;
    }

    static Optional<JsonNode> find(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind))
                .filter(d -> d.path("metadata").path("name").asText().equals(name)).findFirst();
    }

    static JsonNode container(JsonNode deployment, String name) {
        for (JsonNode c : deployment.path("spec").path("template").path("spec").path("containers")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        return null;
    }

    static int resolvePort(JsonNode port, Map<String, Integer> containerPorts) {
        if (port.isInt()) {
            return port.asInt();
        }
        if (port.asText().matches("\\d+")) {
            return Integer.parseInt(port.asText());
        }
        return containerPorts.getOrDefault(port.asText(), -1);
    }

    /** All panels of a dashboard, those inside collapsed rows included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> result = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            result.add(panel);
            panel.path("panels").forEach(result::add);
        }
        return result;
    }

    static List<Map.Entry<String, JsonNode>> fields(JsonNode node) {
        return new ArrayList<>(node.properties());
    }

    static Set<String> names(JsonNode node) {
        Set<String> result = new TreeSet<>();
        node.properties().forEach(e -> result.add(e.getKey()));
        return result;
    }

    static List<String> textList(JsonNode node) {
        List<String> result = new ArrayList<>();
        node.forEach(n -> result.add(n.asText()));
        return result;
    }

    static String join(JsonNode array) {
        return String.join(" ", textList(array));
    }

    static void assertNoProblems(String what, List<String> problems) {
        Supplier<String> message = () -> what + ": " + problems.size() + " problem(s)\n  " + String.join("\n  ", problems);
        if (!problems.isEmpty()) {
            fail(message.get());
        }
    }
}
