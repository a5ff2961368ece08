package io.metaloop.dataset.service;

import io.metaloop.dataset.config.DatasetServiceConfig;
import io.metaloop.datasets.ReadOptions;
import io.metaloop.messaging.TopicSetup;
import io.metaloop.storage.ObjectStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;

/** At start-up: creates the bucket and topics, and imports the bundled Fashion-MNIST if the store lacks it. */
@ApplicationScoped
public class BundledDatasets {
    private static final Logger LOG = Logger.getLogger(BundledDatasets.class);
    private static final String FASHION_MNIST = "fashion-mnist";

    private final DatasetCatalog catalog;
    private final ObjectStore store;
    private final Admin admin;
    private final DatasetServiceConfig config;

    public BundledDatasets(DatasetCatalog catalog, ObjectStore store, Admin admin, DatasetServiceConfig config) {
        this.catalog = catalog;
        this.store = store;
        this.admin = admin;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) throws IOException {
        store.ensureBucket();
        TopicSetup.ensureStandard(admin, (short) 1);
        if (config.bundledDir().isEmpty()) {
            return;
        }
        // Fashion-MNIST is imported at start-up (the demo trains on it); the other bundled sets
        // (data/omniglot) are imported on request: bin/metaloop data import ...
        Path source = Path.of(config.bundledDir().get()).resolve(FASHION_MNIST);
        if (Files.isDirectory(source) && catalog.manifest(FASHION_MNIST).isEmpty()) {
            LOG.infof("importing bundled dataset %s from %s", FASHION_MNIST, source);
            catalog.importDataset(FASHION_MNIST, FASHION_MNIST, source, ReadOptions.DEFAULTS);
        }
    }
}
