package io.metaloop.gateway.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gateway's own bearer token (role reader) for its REST calls to dataset-service and
 * episode-sampler, read from {@code metaloop.auth.service-token-file} (a mounted secret) at each
 * call, so a rotated secret takes effect without a restart. The token is never logged.
 */
@ApplicationScoped
public class ServiceToken {
    private final Path file;

    public ServiceToken(@ConfigProperty(name = "metaloop.auth.service-token-file") String file) {
        this.file = Path.of(file);
    }

    /**
     * The {@code Authorization} header value, {@code "Bearer <token>"}.
     *
     * @throws IllegalStateException when the file is missing or empty (the caller answers 503)
     */
    public String header() {
        try {
            String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (token.isEmpty()) {
                throw new IllegalStateException("the gateway's service token file " + file + " is empty");
            }
            return "Bearer " + token;
        } catch (IOException e) {
            throw new IllegalStateException("the gateway's service token file " + file + " is unreadable: " + e.getMessage(), e);
        }
    }
}
