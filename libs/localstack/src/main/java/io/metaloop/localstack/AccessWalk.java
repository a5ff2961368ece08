package io.metaloop.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Walks every operation of a service's OpenAPI document ({@code /q/openapi?format=json}) as each of
 * several callers — no token, and one token per role set — and reports every answer that does not
 * match the access policy: 401 without a token, 403 for a token without the operation's roles, and
 * for a token with them neither 401 nor 403 nor any 5xx (2xx for GET operations without
 * parameters, which need no existing object and no query). Path parameters are filled with {@code "x"}; bodies
 * are {@code {}} in the operation's first declared media type. For the token tests of the services.
 */
public final class AccessWalk {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AccessWalk() {
    }

    /**
     * One caller: a name for reports, its token (null: none), the roles it holds, and whether the
     * token is genuine (false: signed by another key, or expired — must get 401 like no token).
     */
    public record Caller(String name, String token, Set<String> roles, boolean genuine) {
        public static Caller anonymous() {
            return new Caller("no token", null, Set.of(), false);
        }

        public static Caller with(String name, String token, Set<String> roles) {
            return new Caller(name, token, roles, true);
        }
    }

    /** One operation as the OpenAPI document lists it. */
    public record Operation(String method, String path, Optional<String> mediaType, boolean hasParameters) {
    }

    /** One call's outcome. */
    public record Outcome(Operation operation, Caller caller, int status, boolean expected, String why) {
        @Override
        public String toString() {
            return operation.method() + " " + operation.path() + " as " + caller.name() + ": " + status
                    + (expected ? "" : " — expected " + why);
        }
    }

    /**
     * Every operation under {@code /api} in the service's OpenAPI document.
     *
     * @throws IllegalStateException when the document cannot be fetched or read
     */
    public static List<Operation> operations(String baseUrl) {
        JsonNode doc;
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/openapi?format=json"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(baseUrl + "/q/openapi answered " + r.statusCode());
            }
            doc = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the OpenAPI document of " + baseUrl + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith("/api")) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext(); ) {
                Map.Entry<String, JsonNode> method = methods.next();
                Iterator<String> types = method.getValue().path("requestBody").path("content").fieldNames();
                operations.add(new Operation(method.getKey().toUpperCase(java.util.Locale.ROOT), path.getKey(),
                        types.hasNext() ? Optional.of(types.next()) : Optional.empty(),
                        !method.getValue().path("parameters").isEmpty() || !path.getValue().path("parameters").isEmpty()));
            }
        }
        return operations;
    }

    /**
     * Calls every operation as every caller.
     *
     * @param allowedRoles the roles an operation admits (the policy under test)
     */
    public static List<Outcome> walk(String baseUrl, List<Operation> operations, List<Caller> callers,
                                     BiFunction<String, String, Set<String>> allowedRoles) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Operation op : operations) {
            Set<String> allowed = allowedRoles.apply(op.method(), op.path());
            for (Caller caller : callers) {
                int status = call(baseUrl, op, caller.token());
                String why;
                boolean expected;
                if (caller.token() == null || !caller.genuine()) {
                    expected = status == 401;
                    why = "401 without a genuine token";
                } else if (caller.roles().stream().noneMatch(allowed::contains)) {
                    expected = status == 403;
                    why = "403: " + caller.roles() + " holds none of " + allowed;
                } else if (op.method().equals("GET") && !op.hasParameters()) {
                    expected = status >= 200 && status < 300;
                    why = "2xx for an allowed read";
                } else {
                    expected = status != 401 && status != 403 && status < 500;
                    why = "neither 401, 403 nor 5xx for an allowed caller";
                }
                outcomes.add(new Outcome(op, caller, status, expected, why));
            }
        }
        return outcomes;
    }

    private static int call(String baseUrl, Operation op, String token) {
        String path = op.path().replaceAll("\\{[^}]+}", "x");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpRequest.BodyPublisher body = op.mediaType().isPresent()
                ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody();
        op.mediaType().ifPresent(type -> b.header("Content-Type", type.equals("*/*") ? "application/json" : type));
        try {
            return HTTP.send(b.method(op.method(), body).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new IllegalStateException(op.method() + " " + path + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
