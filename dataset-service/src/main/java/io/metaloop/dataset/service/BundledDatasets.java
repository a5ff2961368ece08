package io.metaloop.dataset.service;

import io.metaloop.dataset.config.DatasetServiceConfig;
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

/** At start-up: creates the bucket and topics, and imports the bundled datasets the store lacks. */
@ApplicationScoped
public class BundledDatasets {
    private static final Logger LOG = Logger.getLogger(BundledDatasets.class);

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
        Path dir = Path.of(config.bundledDir().get());
        for (String format : DatasetCatalog.FORMATS) {
            Path source = dir.resolve(format);
            if (Files.isDirectory(source) && catalog.manifest(format).isEmpty()) {
                LOG.infof("importing bundled dataset %s from %s", format, source);
                catalog.importDataset(format, format, source);
            }
        }
    }
}
