package io.metaloop.evaluator.messaging;

import io.metaloop.contracts.EvalRequest;
import io.metaloop.contracts.EvalResult;
import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Topics;
import io.metaloop.messaging.MessagePublisher;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.Producer;

/** What an evaluator tells the rest of the system: job events, results, and evaluations handed back. */
@ApplicationScoped
public class JobEventPublisher {
    private final MessagePublisher publisher;

    public JobEventPublisher(Producer<String, byte[]> producer) {
        this.publisher = new MessagePublisher(producer);
    }

    public void publish(JobEvent event) {
        publisher.send(Topics.JOB_EVENTS, event.experimentId(), event);
    }

    public void publish(EvalResult result) {
        publisher.send(Topics.EVAL_RESULTS, result.experimentId(), result);
    }

    /** Puts an evaluation back on the queue for any evaluator to run. */
    public void requeue(EvalRequest request) {
        publisher.send(Topics.EVAL_REQUESTS, request.experimentId(), request);
    }
}
