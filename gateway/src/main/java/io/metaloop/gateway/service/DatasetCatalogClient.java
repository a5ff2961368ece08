package io.metaloop.gateway.service;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.Json;
import io.metaloop.gateway.config.ServiceToken;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Read-only queries to dataset-service's catalogue (the one REST call between services). */
@ApplicationScoped
public class DatasetCatalogClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String baseUrl;
    private final ServiceToken token;

    public DatasetCatalogClient(@ConfigProperty(name = "metaloop.dataset-service.url") String baseUrl, ServiceToken token) {
        this.token = token;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** Thrown when dataset-service cannot be asked; the gateway answers 503. */
    public static final class UnavailableException extends RuntimeException {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public Optional<DatasetInfo> find(String name) {
        HttpResponse<byte[]> r = get("/api/v1/datasets/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        requireOk(r);
        return Optional.of(Json.read(r.body(), DatasetInfo.class));
    }

    public List<String> names() {
        HttpResponse<byte[]> r = get("/api/v1/datasets");
        requireOk(r);
        return Arrays.stream(Json.read(r.body(), DatasetInfo[].class)).map(DatasetInfo::name).toList();
    }

    private void requireOk(HttpResponse<byte[]> r) {
        if (r.statusCode() != 200) {
            throw new UnavailableException("dataset-service answered " + r.statusCode() + " for " + r.uri(), null);
        }
    }

    private HttpResponse<byte[]> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", authorization())
                            .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UnavailableException("dataset-service at " + baseUrl + " is unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted asking dataset-service", e);
        }
    }

    /** The gateway's own token; a missing one is an unavailable dependency (503), not a client error. */
    private String authorization() {
        try {
            return token.header();
        } catch (IllegalStateException e) {
            throw new UnavailableException(e.getMessage(), e);
        }
    }
}
