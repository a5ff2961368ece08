package io.metaloop.trainer.messaging;

import io.metaloop.contracts.JobEvent;
import io.metaloop.contracts.Topics;
import io.metaloop.contracts.TrainJob;
import io.metaloop.messaging.MessagePublisher;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.Producer;

/** What a trainer tells the rest of the system: job events, and jobs handed back to the queue. */
@ApplicationScoped
public class JobEventPublisher {
    private final MessagePublisher publisher;

    public JobEventPublisher(Producer<String, byte[]> producer) {
        this.publisher = new MessagePublisher(producer);
    }

    public void publish(JobEvent event) {
        publisher.send(Topics.JOB_EVENTS, event.experimentId(), event);
    }

    /** Puts a job back on the queue for any trainer to resume. */
    public void requeue(TrainJob job) {
        publisher.send(Topics.JOBS, job.experimentId(), job);
    }
}
