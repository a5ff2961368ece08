package io.metaloop.datasets.download;

import java.net.URI;
import java.util.Optional;

/**
 * One file of a published dataset.
 *
 * @param sha256 its SHA-256 as published or recorded from a trusted copy; empty when none is known,
 *               in which case the caller must supply one
 */
public record Download(String fileName, URI url, Optional<String> sha256) {
    public Download {
        if (fileName.contains("/") || fileName.isBlank()) {
            throw new IllegalArgumentException("file name must be a plain name, got '" + fileName + "'");
        }
        sha256 = sha256.map(s -> s.toLowerCase());
        sha256.ifPresent(s -> {
            if (!s.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("not a SHA-256: " + s);
            }
        });
    }

    public Download withSha256(String hex) {
        return new Download(fileName, url, Optional.of(hex));
    }
}
