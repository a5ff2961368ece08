package io.metaloop.gateway.health;

import io.metaloop.gateway.service.ExperimentStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once every stored experiment has been read back from Kafka. */
@Readiness
@ApplicationScoped
public class ExperimentStoreHealthCheck implements HealthCheck {
    private final ExperimentStore store;

    public ExperimentStoreHealthCheck(ExperimentStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("experiment-store").status(store.isLoaded())
                .withData("experiments", store.list().size()).build();
    }
}
