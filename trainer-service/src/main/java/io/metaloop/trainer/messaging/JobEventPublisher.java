package io.metaloop.trainer.messaging;

import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Topics;
import io.metaloop.messaging.MessagePublisher;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.Producer;

/**
 * What a trainer tells the rest of the system: job events. {@link #forAttempt} stamps every event
 * with the attempt (fencing epoch) the worker runs, so the gateway can refuse a superseded attempt's.
 */
@ApplicationScoped
public class JobEventPublisher {
    private final MessagePublisher publisher;
    private final int attempt;

    @jakarta.inject.Inject
    public JobEventPublisher(Producer<String, byte[]> producer) {
        this(new MessagePublisher(producer), 0);
    }

    private JobEventPublisher(MessagePublisher publisher, int attempt) {
        this.publisher = publisher;
        this.attempt = attempt;
    }

    /** A publisher whose events carry {@code attemptNumber}. */
    public JobEventPublisher forAttempt(int attemptNumber) {
        return new JobEventPublisher(publisher, attemptNumber);
    }

    public void publish(JobEvent event) {
        publisher.send(Topics.JOB_EVENTS, event.experimentId(), attempt > 0 ? event.withAttempt(attempt) : event);
    }
}
