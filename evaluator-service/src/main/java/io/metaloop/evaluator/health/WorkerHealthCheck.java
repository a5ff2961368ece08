package io.metaloop.evaluator.health;

import io.metaloop.evaluator.service.EvaluationWorker;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Live while the worker thread runs. */
@Liveness
@ApplicationScoped
public class WorkerHealthCheck implements HealthCheck {
    private final EvaluationWorker worker;

    public WorkerHealthCheck(EvaluationWorker worker) {
        this.worker = worker;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("evaluation-worker").status(worker.isAlive()).build();
    }
}
