package io.metaloop.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Malformed requests for a service's REST API, and the judgement of its answers, for the fuzz
 * tests of the services. Operations come from the service's OpenAPI document (so a new operation
 * is fuzzed without touching a test); path and query values, bodies and content types are drawn
 * from a seeded {@link Random}: {@code ..}, {@code %00}, 10 kB ids, unicode and invalid UTF-8 in
 * paths and queries; numbers that are not numbers, too large or negative; and bodies that are
 * mutations of valid JSON or YAML (wrong types, huge numbers, NaN and Infinity, deep nesting, very
 * long strings, unknown fields, truncation, invalid UTF-8) under the right or a wrong content type.
 *
 * <p>Every answer must be below 500, and every 4xx must be the services' {@code ApiError} JSON
 * ({@code {"status":..,"error":..,"fields":[{"field":..,"message":..}]}}) with its status, whose
 * {@code fields} name what is wrong, or whose {@code error} names the line and column (or byte
 * offset) where the body breaks or the parameter at fault.
 */
public final class RestFuzz {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern POSITION = Pattern.compile("line \\d+, column \\d+|byte (offset )?\\d+|offset \\d+");
    private static final String RAW = "@@raw@@";
    private static final List<String> RAW_VALUES = List.of("NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e-400",
            "9223372036854775808", "-9223372036854775809", "1" + "0".repeat(1200), "0." + "1".repeat(1200),
            "[".repeat(3000) + "]".repeat(3000), "{\"a\":".repeat(3000) + "1" + "}".repeat(3000), "01", "+1", ".5",
            "0x10", "'single'", "undefined");
    private static final byte[][] BAD_UTF8 = {{(byte) 0x80}, {(byte) 0xC3, (byte) 0x28}, {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFF}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
    /** Path segments a client might send: traversal, NUL, encoded slashes, invalid UTF-8, unicode, huge. */
    private static final List<String> ODD_SEGMENTS = List.of("..", ".", "%2e%2e", "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "%00",
            "a%00b", "%C3%BCn%C3%AF%F0%9F%98%80", "%C3%28", "%FF%FE", "%20", "%2F", "a%2Fb", "a;b=c", "*", "~", "%25",
            "null", "-1", "0", "9223372036854775808", "%0D%0ASet-Cookie:%20x=1", "%3Cscript%3E", "%27%20OR%201=1",
            "%22", "%5C..%5C", "x".repeat(10_240), "exp-" + "0".repeat(12), "task-0123456789ab", "UPPER", "%E2%80%AE");
    private static final List<String> ODD_QUERY_VALUES = List.of("", "abc", "1e400", "NaN", "Infinity", "-1", "0",
            "2147483648", "-2147483649", "9223372036854775808", "1.5", "0x10", "%00", "%C3%28", "%FF", "x".repeat(10_240),
            "%E2%80%AE", "..%2F..", "1,2,3", "%2C%2C", "true", "null", "%20", "+1", "%F0%9F%98%80");
    private static final List<String> ODD_CONTENT_TYPES = List.of("text/plain", "application/xml", "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded", "application/json; charset=utf-16", "application/json;;;", "invalid",
            "image/png", "application/zip", "application/octet-stream", "text/yaml; charset=latin1");

    private final String baseUrl;
    private final String token;
    private final Random random;
    private boolean hugeInRequest;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public RestFuzz(String baseUrl, String token, long seed) {
        this.baseUrl = baseUrl.replaceAll("/$", "");
        this.token = token;
        this.random = new Random(seed);
    }

    public Random random() {
        return random;
    }

    /** One parameter of an operation. */
    public record Parameter(String name, String in, boolean required) {
    }

    /** One operation as the OpenAPI document lists it, with its parameters and body media types. */
    public record Operation(String method, String path, List<Parameter> parameters, List<String> mediaTypes) {
        public String key() {
            return method + " " + path;
        }

        public List<String> names(String in) {
            return parameters.stream().filter(p -> p.in().equals(in)).map(Parameter::name).toList();
        }
    }

    /** Every operation under {@code /api} of the service's OpenAPI document. */
    public List<Operation> operations() {
        JsonNode doc;
        try {
            doc = JSON.readTree(send("GET", "/q/openapi?format=json", null, null).body());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the OpenAPI document: " + e, e);
        }
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith("/api")) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext(); ) {
                Map.Entry<String, JsonNode> method = methods.next();
                if (!method.getValue().isObject() || method.getKey().equals("parameters")) {
                    continue;
                }
                List<Parameter> parameters = new ArrayList<>();
                for (JsonNode p : path.getValue().path("parameters")) {
                    parameters.add(new Parameter(p.path("name").asText(), p.path("in").asText(), p.path("required").asBoolean()));
                }
                for (JsonNode p : method.getValue().path("parameters")) {
                    parameters.add(new Parameter(p.path("name").asText(), p.path("in").asText(), p.path("required").asBoolean()));
                }
                List<String> types = new ArrayList<>();
                method.getValue().path("requestBody").path("content").fieldNames().forEachRemaining(types::add);
                operations.add(new Operation(method.getKey().toUpperCase(Locale.ROOT), path.getKey(), parameters, types));
            }
        }
        return operations;
    }

    /** A request's answer. */
    public record Answer(String method, String target, String contentType, int bodyBytes, int status, String body) {
        @Override
        public String toString() {
            String shown = target.length() > 160 ? target.substring(0, 120) + "…(" + target.length() + " chars)" : target;
            return method + " " + shown + (contentType != null ? " [" + contentType + ", " + bodyBytes + " bytes]" : "")
                    + " → " + status + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    /** Sends one request with the all-roles token; {@code target} is the raw path and query. */
    public Answer send(String method, String target, String contentType, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + target)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                // once more on a fresh connection: the pool may have handed out one the server had closed
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            }
            return new Answer(method, target, contentType, body == null ? 0 : body.length, r.statusCode(),
                    new String(r.body(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the server closed the connection without an answer: as bad as a 5xx
            return new Answer(method, target, contentType, body == null ? 0 : body.length, 0, "no answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code path} with each {@code {param}} replaced by the value {@code values} gives for it (raw, already encoded). */
    public static String fill(String path, Map<String, String> values) {
        String out = path;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace("{" + e.getKey() + "}", e.getValue());
        }
        return out;
    }

    /** An odd path segment (already percent-encoded where needed). */
    public String oddSegment() {
        return random.nextInt(8) == 0 ? "x".repeat(1 + random.nextInt(300)) + "%00" : oneHuge(ODD_SEGMENTS);
    }

    /** An odd query value (already percent-encoded where needed). */
    public String oddQueryValue() {
        return random.nextInt(6) == 0 ? String.valueOf(random.nextInt(4001) - 2000) : oneHuge(ODD_QUERY_VALUES);
    }

    /**
     * A value of {@code values}, at most one 10 kB one per request ({@link #next}): a request line
     * beyond the services' 16 kB limit gets the HTTP layer's bare 414 before any service code runs.
     */
    private String oneHuge(List<String> values) {
        String value;
        do {
            value = values.get(random.nextInt(values.size()));
        } while (value.length() > 1_000 && hugeInRequest);
        hugeInRequest |= value.length() > 1_000;
        return value;
    }

    /** A content type none of the given media types is. */
    public String oddContentType() {
        return ODD_CONTENT_TYPES.get(random.nextInt(ODD_CONTENT_TYPES.size()));
    }

    /**
     * What valid requests look like, so that each malformed one breaks one part and keeps the rest:
     * valid values per path and query parameter name, and valid bodies (JSON, or bytes for binary
     * media types) per operation ({@link Operation#key()}). A name without values gets odd ones only.
     */
    public record Inputs(Map<String, List<String>> pathValues, Map<String, List<String>> queryValues,
                         Map<String, List<byte[]>> bodies) {
    }

    /** One request to send. */
    public record Request(String method, String target, String contentType, byte[] body) {
    }

    /**
     * A request for {@code op} with one part broken: a path parameter, the query (odd values,
     * missing, repeated or unknown parameters), the body (mutated JSON or YAML, or bytes), the
     * content type, or the method.
     */
    public Request next(Operation op, Inputs inputs) {
        return next(op, inputs, false);
    }

    /**
     * A request for {@code op} whose body is broken (mutated JSON or YAML, bytes, empty, or under a
     * wrong or missing content type) and whose path and query are valid.
     */
    public Request nextBody(Operation op, Inputs inputs) {
        if (op.mediaTypes().isEmpty()) {
            throw new IllegalArgumentException(op.key() + " takes no body");
        }
        return next(op, inputs, true);
    }

    private Request next(Operation op, Inputs inputs, boolean bodyOnly) {
        hugeInRequest = false;
        List<String> pathNames = op.names("path");
        List<String> queryNames = op.names("query");
        List<byte[]> bodies = inputs.bodies().getOrDefault(op.key(), List.of());
        boolean hasBody = !op.mediaTypes().isEmpty();
        int part = bodyOnly ? 50 : random.nextInt(100);
        boolean breakPath = !pathNames.isEmpty() && (part < 25 || (!hasBody && queryNames.isEmpty() && part < 90));
        boolean breakQuery = !breakPath && part < (hasBody ? 40 : 90);
        boolean breakMethod = part >= 97;
        Map<String, String> path = new java.util.HashMap<>();
        for (String name : pathNames) {
            List<String> valid = inputs.pathValues().getOrDefault(name, List.of());
            path.put(name, !valid.isEmpty() && !breakPath ? valid.get(random.nextInt(valid.size())) : oddSegment());
        }
        if (breakPath && pathNames.size() > 1 && random.nextBoolean()) {
            // one broken, the others valid
            String keep = pathNames.get(random.nextInt(pathNames.size()));
            List<String> valid = inputs.pathValues().getOrDefault(keep, List.of());
            if (!valid.isEmpty()) {
                path.put(keep, valid.get(random.nextInt(valid.size())));
            }
        }
        StringBuilder query = new StringBuilder();
        for (String name : queryNames) {
            List<String> valid = inputs.queryValues().getOrDefault(name, List.of());
            String value;
            if (breakQuery && random.nextInt(3) > 0) {
                value = random.nextInt(8) == 0 ? null : oddQueryValue();
            } else {
                value = valid.isEmpty() || random.nextInt(6) == 0 ? null : valid.get(random.nextInt(valid.size()));
            }
            if (value != null) {
                query.append(query.isEmpty() ? "?" : "&").append(name).append('=').append(value);
                if (breakQuery && random.nextInt(6) == 0) {
                    query.append('&').append(name).append('=').append(oddQueryValue()); // repeated
                }
            }
        }
        if (breakQuery && (queryNames.isEmpty() || random.nextInt(5) == 0)) {
            query.append(query.isEmpty() ? "?" : "&").append(random.nextBoolean() ? "unknown" : "%00").append('=')
                    .append(oddQueryValue());
        }
        String method = breakMethod ? List.of("PUT", "DELETE", "PATCH", op.method().equals("GET") ? "POST" : "GET")
                .get(random.nextInt(4)) : op.method();
        String contentType = null;
        byte[] body = null;
        if (hasBody) {
            String declared = op.mediaTypes().get(random.nextInt(op.mediaTypes().size()));
            boolean binary = !declared.contains("json") && !declared.contains("yaml") && !declared.equals("*/*");
            byte[] valid = bodies.isEmpty() ? "{}".getBytes(StandardCharsets.UTF_8) : bodies.get(random.nextInt(bodies.size()));
            boolean breakBody = !breakPath && !breakQuery || random.nextInt(4) == 0;
            contentType = declared.equals("*/*") ? "application/json" : declared;
            if (breakBody) {
                int how = random.nextInt(20);
                if (how == 0) {
                    contentType = oddContentType();
                    body = valid;
                } else if (how == 1) {
                    contentType = null;
                    body = valid;
                } else if (how == 2) {
                    body = new byte[0];
                } else if (binary) {
                    body = random.nextInt(4) == 0 ? randomBytes() : mutateBytes(valid);
                } else if (declared.contains("yaml")) {
                    body = mutateYaml(valid);
                } else {
                    body = mutateJson(valid);
                }
            } else {
                body = valid;
            }
        }
        return new Request(method, RestFuzz.fill(op.path(), path) + query, contentType, body);
    }

    private byte[] randomBytes() {
        byte[] noise = new byte[random.nextInt(2048)];
        random.nextBytes(noise);
        return noise;
    }

    /**
     * Sends {@code n} requests of {@link #next} for {@code op}, recording each answer. With the
     * system property {@code metaloop.restfuzz.dump} set to a folder, the body and answer of every
     * request with a problem are written there, to replay it.
     */
    public void fuzz(Operation op, Inputs inputs, int n, Tally tally) {
        fuzz(op, inputs, n, tally, false);
    }

    /** As {@link #fuzz}, every request with a broken body ({@link #nextBody}). */
    public void fuzzBodies(Operation op, Inputs inputs, int n, Tally tally) {
        fuzz(op, inputs, n, tally, true);
    }

    private void fuzz(Operation op, Inputs inputs, int n, Tally tally, boolean bodies) {
        Set<String> names = names(op);
        String dump = System.getProperty("metaloop.restfuzz.dump");
        for (int i = 0; i < n; i++) {
            Request r = bodies ? nextBody(op, inputs) : next(op, inputs);
            Answer a = send(r.method(), r.target(), r.contentType(), r.body());
            if (tally.record(a, names) != null && dump != null && r.body() != null) {
                try {
                    java.nio.file.Path dir = java.nio.file.Files.createDirectories(java.nio.file.Path.of(dump));
                    java.nio.file.Files.write(dir.resolve("failed-" + tally.requests() + ".body"), r.body());
                    java.nio.file.Files.writeString(dir.resolve("failed-" + tally.requests() + ".txt"), a.toString());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
    }

    // ------------------------------------------------------------------ bodies

    /** A malformed variant of a valid JSON document: one to three tree or byte mutations. */
    public byte[] mutateJson(byte[] valid) {
        byte[] out = valid;
        int rounds = 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0);
        for (int i = 0; i < rounds; i++) {
            out = random.nextInt(3) == 0 ? mutateBytes(out) : mutateTree(out);
        }
        return out;
    }

    /** A malformed YAML variant of a valid JSON document: a tree mutation written as YAML, YAML's own traps, or bytes. */
    public byte[] mutateYaml(byte[] validJson) {
        int kind = random.nextInt(5);
        try {
            if (kind <= 1) {
                JsonNode tree = JSON.readTree(mutateTree(validJson));
                return YAML.writeValueAsBytes(tree);
            }
            byte[] yaml = YAML.writeValueAsBytes(JSON.readTree(validJson));
            if (kind == 2) {
                return mutateBytes(yaml);
            }
            String text = new String(yaml, StandardCharsets.UTF_8);
            return (switch (random.nextInt(7)) {
                case 0 -> text + "\n---\n" + text; // two documents
                case 1 -> "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                        + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                        + "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"; // aliases that expand to 60,000 values
                case 2 -> "!!java.net.URL [\"http://example.com\"]\n"; // a type tag
                case 3 -> text.replaceFirst("\n", "\n\t"); // a tab in the indentation
                case 4 -> text.replaceFirst(": ", ": !!binary ");
                case 5 -> text + text.substring(4); // duplicate keys
                default -> text.replaceFirst(": ", ": [") ; // an unclosed flow sequence
            }).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return mutateBytes(validJson);
        }
    }

    private byte[] mutateTree(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            return mutateBytes(json);
        }
        if (root == null || !root.isContainerNode() || root.isEmpty()) {
            return mutateBytes(json);
        }
        List<Slot> slots = new ArrayList<>();
        collect(root, slots);
        Slot slot = slots.get(random.nextInt(slots.size()));
        String raw = null;
        switch (random.nextInt(6)) {
            case 0 -> slot.remove();
            case 1 -> {
                raw = RAW_VALUES.get(random.nextInt(RAW_VALUES.size()));
                slot.set(NODES.textNode(RAW));
            }
            case 2 -> {
                ObjectNode target = slot.parent instanceof ObjectNode o ? o : root.isObject() ? (ObjectNode) root : NODES.objectNode();
                target.set(random.nextBoolean() ? "unknownField" + random.nextInt(100) : slot.name() + "_", oddValue());
            }
            default -> slot.set(oddValue());
        }
        try {
            byte[] out = JSON.writeValueAsBytes(root);
            return raw == null ? out
                    : new String(out, StandardCharsets.UTF_8).replace("\"" + RAW + "\"", raw).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A value of a type or size a field is unlikely to accept. */
    public JsonNode oddValue() {
        return switch (random.nextInt(22)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.textNode("");
            case 2 -> NODES.textNode("x".repeat(1 + random.nextInt(100_000)));
            case 3 -> NODES.textNode("ünï©ødé \u202e\u0000\ud83d\ude00 ../.. %00 \t\n");
            case 4 -> NODES.numberNode(-1);
            case 5 -> NODES.numberNode(0);
            case 6 -> NODES.numberNode(Integer.MAX_VALUE + 1L);
            case 7 -> NODES.numberNode(Long.MIN_VALUE);
            case 8 -> NODES.numberNode(new BigInteger("123456789012345678901234567890"));
            case 9 -> NODES.numberNode(-1e308);
            case 10 -> NODES.numberNode(0.5);
            case 11 -> NODES.textNode(random.nextBoolean() ? "NaN" : "-Infinity");
            case 12 -> NODES.booleanNode(random.nextBoolean());
            case 13 -> NODES.arrayNode();
            case 14 -> NODES.arrayNode().add(NODES.nullNode()).add(1).add("a");
            case 15 -> NODES.objectNode();
            case 16 -> NODES.objectNode().put("a", 1);
            case 17 -> NODES.numberNode(random.nextInt(2001) - 1000);
            case 18 -> NODES.numberNode(1 + random.nextInt(8));
            case 19 -> NODES.textNode(String.valueOf(random.nextLong()));
            case 20 -> nested(1 + random.nextInt(200));
            default -> NODES.numberNode(Integer.MIN_VALUE);
        };
    }

    private static JsonNode nested(int depth) {
        JsonNode node = NODES.arrayNode();
        for (int i = 0; i < depth; i++) {
            node = i % 2 == 0 ? NODES.arrayNode().add(node) : NODES.objectNode().set("n", node);
        }
        return node;
    }

    /** Truncation, deletion, invalid UTF-8, bit flips, random bytes, junk around, a swapped structural byte. */
    public byte[] mutateBytes(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = in.length == 0 ? 0 : random.nextInt(in.length);
        switch (random.nextInt(8)) {
            case 0 -> out.write(in, 0, at);
            case 1 -> {
                int end = Math.min(in.length, at + 1 + random.nextInt(16));
                out.write(in, 0, at);
                out.write(in, end, in.length - end);
            }
            case 2 -> {
                out.write(in, 0, at);
                out.writeBytes(BAD_UTF8[random.nextInt(BAD_UTF8.length)]);
                out.write(in, at, in.length - at);
            }
            case 3 -> {
                byte[] copy = in.clone();
                for (int i = 0, n = 1 + random.nextInt(4); i < n && copy.length > 0; i++) {
                    copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
                }
                out.writeBytes(copy);
            }
            case 4 -> {
                byte[] noise = new byte[random.nextInt(256)];
                random.nextBytes(noise);
                out.writeBytes(noise);
            }
            case 5 -> {
                byte[] junk = List.of("}", "]", ",", "\u0000", "// c", "\uFEFF", "{}", "x").get(random.nextInt(8))
                        .getBytes(StandardCharsets.UTF_8);
                if (random.nextBoolean()) {
                    out.writeBytes(in);
                    out.writeBytes(junk);
                } else {
                    out.writeBytes(junk);
                    out.writeBytes(in);
                }
            }
            case 6 -> {
                byte[] copy = in.clone();
                String structural = "{}[]:,\"'\\ 0-.e";
                if (copy.length > 0) {
                    copy[at] = (byte) structural.charAt(random.nextInt(structural.length()));
                }
                out.writeBytes(copy);
            }
            default -> {
                out.write(in, 0, at);
                out.writeBytes(in);
                out.write(in, at, in.length - at);
            }
        }
        return out.toByteArray();
    }

    private static void collect(JsonNode node, List<Slot> slots) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                slots.add(new Slot(object, e.getKey(), -1));
                collect(e.getValue(), slots);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                slots.add(new Slot(array, null, i));
                collect(array.get(i), slots);
            }
        }
    }

    private record Slot(JsonNode parent, String field, int index) {
        void set(JsonNode value) {
            if (parent instanceof ObjectNode o) {
                o.set(field, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }

        void remove() {
            if (parent instanceof ObjectNode o) {
                o.remove(field);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }

        String name() {
            return field != null ? field : "element";
        }
    }

    // ------------------------------------------------------------------ judgement

    /**
     * What is wrong with an answer, or null: a 5xx, a status outside 2xx and 4xx, or a 4xx whose
     * body is not an {@code ApiError} naming a field, a position or one of {@code names} (the
     * operation's parameters).
     */
    public static String problem(Answer a, Set<String> names) {
        if (a.status() >= 500 || a.status() == 0) {
            return a.status() == 0 ? "no answer" : "5xx";
        }
        if (a.status() >= 200 && a.status() < 300) {
            return null;
        }
        if (a.status() < 400) {
            return "unexpected status";
        }
        JsonNode error;
        try {
            error = JSON.readTree(a.body());
        } catch (IOException e) {
            return "4xx body is not JSON";
        }
        if (error == null || !error.isObject() || error.path("status").asInt() != a.status() || !error.path("error").isTextual()
                || error.path("error").asText().isBlank() || !error.path("fields").isArray()) {
            return "4xx body is not an ApiError with its status";
        }
        String text = error.path("error").asText();
        if (!error.path("fields").isEmpty()) {
            for (JsonNode f : error.path("fields")) {
                String field = f.path("field").asText("");
                String message = f.path("message").asText("");
                if (field.isBlank() || message.isBlank()) {
                    return "a field error without its field or message";
                }
                if (field.equals("$") && !POSITION.matcher(message).find() && !message.contains("body")
                        && !message.contains("empty")) {
                    return "a whole-body error without the line and column";
                }
                if (message.contains("Cannot construct instance") || message.contains("java.lang.")) {
                    return "a field error in Jackson's words";
                }
            }
            return null;
        }
        if (POSITION.matcher(text).find()) {
            return null;
        }
        for (String name : names) {
            if (Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(text).find()) {
                return null;
            }
        }
        return "4xx naming no field, position or parameter";
    }

    /** Counts answers by kind and keeps the first problems found, for one module's report line. */
    public static final class Tally {
        private int requests;
        private int accepted;
        private int refused;
        private int serverErrors;
        private int unnamed;
        private final List<String> problems = new ArrayList<>();
        private final Map<Integer, Integer> statuses = new java.util.TreeMap<>();

        /** Records an answer; returns its problem, or null. */
        public String record(Answer a, Set<String> names) {
            requests++;
            statuses.merge(a.status(), 1, Integer::sum);
            String problem = problem(a, names);
            if (problem == null) {
                if (a.status() < 300) {
                    accepted++;
                } else {
                    refused++;
                }
            } else {
                if (a.status() >= 500 || a.status() == 0) {
                    serverErrors++;
                } else {
                    unnamed++;
                }
                if (problems.size() < 200) {
                    problems.add(problem + ": " + a);
                }
            }
            return problem;
        }

        /** The counts and problems of several tallies together. */
        public static Tally sum(Tally... parts) {
            Tally all = new Tally();
            for (Tally t : parts) {
                all.requests += t.requests;
                all.accepted += t.accepted;
                all.refused += t.refused;
                all.serverErrors += t.serverErrors;
                all.unnamed += t.unnamed;
                all.problems.addAll(t.problems);
                t.statuses.forEach((status, n) -> all.statuses.merge(status, n, Integer::sum));
            }
            return all;
        }

        public int requests() {
            return requests;
        }

        public int accepted() {
            return accepted;
        }

        /** How many answers had {@code status}. */
        public int count(int status) {
            return statuses.getOrDefault(status, 0);
        }

        public int serverErrors() {
            return serverErrors;
        }

        public int unnamed() {
            return unnamed;
        }

        public List<String> problems() {
            return problems;
        }

        /** {@code fuzz REST <module>: <N> requests, <2xx> accepted, <4xx> refused with a named field, 0 5xx, 0 unnamed errors}. */
        public String line(String module) {
            return "fuzz REST " + module + ": " + requests + " requests, " + accepted + " accepted, " + refused
                    + " refused with a named field, " + serverErrors + " 5xx, " + unnamed + " unnamed errors";
        }
    }

    /** The names an answer may cite for an operation: its parameters, the content type, the path and the method. */
    public static Set<String> names(Operation op) {
        Set<String> names = new LinkedHashSet<>();
        op.parameters().forEach(p -> names.add(p.name()));
        names.add("Content-Type");
        names.add("path");
        names.add("method");
        return names;
    }
}
