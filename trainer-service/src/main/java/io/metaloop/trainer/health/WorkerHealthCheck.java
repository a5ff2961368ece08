package io.metaloop.trainer.health;

import io.metaloop.trainer.service.TrainingWorker;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Live while the worker thread runs. */
@Liveness
@ApplicationScoped
public class WorkerHealthCheck implements HealthCheck {
    private final TrainingWorker worker;

    public WorkerHealthCheck(TrainingWorker worker) {
        this.worker = worker;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("training-worker").status(worker.isAlive()).build();
    }
}
