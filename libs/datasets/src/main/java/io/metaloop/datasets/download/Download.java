package io.metaloop.datasets.download;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * One file of a published dataset, with the digests it must match. At least one is needed before
 * anything is downloaded; when both are known both are checked.
 *
 * @param sha256 its SHA-256, recorded from a verified copy or given by the user
 * @param md5    the MD5 its publisher lists (CIFAR's page, and the loaders of torchvision and
 *               others for STL-10, Omniglot and tiny-ImageNet): weaker than SHA-256 against a
 *               forger, but it catches every damaged or truncated transfer
 */
public record Download(String fileName, URI url, Optional<String> sha256, Optional<String> md5) {
    public Download {
        if (fileName.contains("/") || fileName.isBlank()) {
            throw new IllegalArgumentException("file name must be a plain name, got '" + fileName + "'");
        }
        sha256 = sha256.map(s -> s.toLowerCase(Locale.ROOT));
        md5 = md5.map(s -> s.toLowerCase(Locale.ROOT));
        sha256.ifPresent(s -> require(s, 64, "SHA-256"));
        md5.ifPresent(s -> require(s, 32, "MD5"));
    }

    public Download(String fileName, URI url, Optional<String> sha256) {
        this(fileName, url, sha256, Optional.empty());
    }

    private static void require(String hex, int length, String kind) {
        if (!hex.matches("[0-9a-f]{" + length + "}")) {
            throw new IllegalArgumentException("not a " + kind + ": " + hex);
        }
    }

    public Download withSha256(String hex) {
        return new Download(fileName, url, Optional.of(hex), md5);
    }

    public boolean hasDigest() {
        return sha256.isPresent() || md5.isPresent();
    }

    /** The digests to check, for messages: {@code SHA-256 ab12…} and/or {@code MD5 cd34…}. */
    public String describeDigests() {
        StringBuilder s = new StringBuilder();
        sha256.ifPresent(h -> s.append("SHA-256 ").append(h));
        md5.ifPresent(h -> s.append(s.isEmpty() ? "" : ", ").append("MD5 ").append(h));
        return s.toString();
    }
}
