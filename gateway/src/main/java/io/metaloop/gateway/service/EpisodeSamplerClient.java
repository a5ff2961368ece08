package io.metaloop.gateway.service;

import io.metaloop.contracts.ApiError;
import io.metaloop.contracts.FewShotProtocol;
import io.metaloop.contracts.InvalidMessageException;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Read-only queries to episode-sampler: the frozen protocol (episode-list hash) of a few-shot test. */
@ApplicationScoped
public class EpisodeSamplerClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String baseUrl;
    private final ServiceToken token;

    public EpisodeSamplerClient(@ConfigProperty(name = "metaloop.episode-sampler.url") String baseUrl, ServiceToken token) {
        this.token = token;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /**
     * The protocol of trials 0 … trials−1.
     *
     * @throws InvalidMessageException when the sampler refuses the shape (e.g. more ways than the split's classes),
     *                                 under {@code field}
     * @throws DatasetCatalogClient.UnavailableException when the sampler cannot be asked
     */
    public FewShotProtocol protocol(String field, String dataset, String split, int ways, int shots, int queries, int trials,
                                    long seed) {
        String query = "dataset=" + enc(dataset) + "&split=" + enc(split) + "&ways=" + ways + "&shots=" + shots
                + "&queries=" + queries + "&trials=" + trials + "&seed=" + seed;
        HttpResponse<byte[]> r;
        try {
            // computing the episode list of 6,000 trials takes well under a second; the timeout leaves room
            r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/protocols?" + query))
                    .header("Authorization", authorization())
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new DatasetCatalogClient.UnavailableException("episode-sampler at " + baseUrl + " is unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetCatalogClient.UnavailableException("interrupted asking episode-sampler", e);
        }
        if (r.statusCode() == 200) {
            return Json.read(r.body(), FewShotProtocol.class);
        }
        if (r.statusCode() == 400 || r.statusCode() == 404) {
            String message = new String(r.body(), StandardCharsets.UTF_8);
            try {
                message = Json.read(r.body(), ApiError.class).error();
            } catch (InvalidMessageException ignored) {
                // not an ApiError: keep the body as it came
            }
            throw new InvalidMessageException(field, message);
        }
        throw new DatasetCatalogClient.UnavailableException("episode-sampler answered " + r.statusCode() + " for " + r.uri(),
                null);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The gateway's own token; a missing one is an unavailable dependency (503), not a client error. */
    private String authorization() {
        try {
            return token.header();
        } catch (IllegalStateException e) {
            throw new DatasetCatalogClient.UnavailableException(e.getMessage(), e);
        }
    }
}
