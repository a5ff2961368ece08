package io.metaloop.dataset.service;

import io.metaloop.contracts.FieldError;
import io.metaloop.dataset.config.DatasetServiceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The directories imports may read from ({@code metaloop.datasets.import-roots}). A path given in
 * an import request must be absolute and resolve — with {@code ..} removed and symbolic links
 * followed — inside one of them, so an import can neither read {@code /etc} nor escape through a
 * link planted in a dataset folder.
 */
@ApplicationScoped
public class ImportRoots {
    private final List<Path> roots;

    @jakarta.inject.Inject
    public ImportRoots(DatasetServiceConfig config) {
        this(config.importRoots());
    }

    ImportRoots(List<String> roots) {
        this.roots = roots.stream().map(String::strip).filter(r -> !r.isEmpty()).map(r -> resolve(Path.of(r))).toList();
    }

    public List<Path> roots() {
        return roots;
    }

    /**
     * Why {@code value} (the request's {@code field}) may not be read, if it may not.
     *
     * @return empty when the path is absolute and inside a root
     */
    public Optional<FieldError> check(String field, String value) {
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            return Optional.of(new FieldError(field, "is not a valid path: " + e.getMessage()));
        }
        if (!path.isAbsolute()) {
            return Optional.of(new FieldError(field, "must be an absolute path on the dataset-service host, got '" + value + "'"));
        }
        Path real = resolve(path);
        if (roots.stream().noneMatch(real::startsWith)) {
            return Optional.of(new FieldError(field, value + (real.equals(path) ? "" : " (resolving to " + real + ")")
                    + " is outside the directories imports may read, " + roots + " (metaloop.datasets.import-roots)"));
        }
        return Optional.empty();
    }

    /** The path with {@code ..} removed and, as far as it exists, symbolic links followed. */
    static Path resolve(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
        } catch (IOException e) {
            return absolute;
        }
    }
}
