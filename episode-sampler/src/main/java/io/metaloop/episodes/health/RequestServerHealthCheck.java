package io.metaloop.episodes.health;

import io.metaloop.episodes.messaging.EpisodeRequestConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the request-serving thread runs. One failed request never ends it (it is answered
 * with an error frame), so DOWN means the thread itself died and the replica must be restarted.
 */
@Liveness
@ApplicationScoped
public class RequestServerHealthCheck implements HealthCheck {
    private final EpisodeRequestConsumer requests;

    public RequestServerHealthCheck(EpisodeRequestConsumer requests) {
        this.requests = requests;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("request-server").status(requests.isServing()).build();
    }
}
