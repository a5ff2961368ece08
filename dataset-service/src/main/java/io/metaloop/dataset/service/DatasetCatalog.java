package io.metaloop.dataset.service;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.dataset.config.DatasetServiceConfig;
import io.metaloop.datasets.DatasetFormats;
import io.metaloop.datasets.DatasetManifest;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.storage.DatasetStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The catalogue: datasets in the object store, and imports of published dataset files into
 * canonical shards. A dataset exists once its manifest does; an import that fails leaves the
 * catalogue as it was.
 */
@ApplicationScoped
public class DatasetCatalog {
    private final DatasetStore store;
    private final int shardSize;

    public DatasetCatalog(DatasetStore store, DatasetServiceConfig config) {
        this.store = store;
        this.shardSize = config.shardSize();
    }

    public List<DatasetInfo> list() {
        return store.list().stream().map(DatasetManifest::info).toList();
    }

    public Optional<DatasetManifest> manifest(String name) {
        return store.manifest(name);
    }

    /**
     * Imports a dataset from files on this service's file system.
     *
     * @param format one of {@link DatasetFormats#names()}
     * @param source the archive or directory as published
     */
    public DatasetInfo importDataset(String name, String format, Path source, ReadOptions options) throws IOException {
        if (!DatasetFormats.names().contains(format)) {
            throw new InvalidMessageException("format", "unknown format '" + format + "'; known: " + DatasetFormats.names());
        }
        if (!Files.exists(source)) {
            throw new InvalidMessageException("path", "no file or directory " + source + " on the dataset-service host");
        }
        return store.importDataset(name, format, source, options, shardSize).info();
    }
}
