package io.metaloop.messaging;

import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's single worker thread over a {@link JobQueue}: take a job while idle, handle it,
 * repeat. A queue failure (broker away) is logged and retried; the thread ends on {@link #stop}.
 */
public final class QueueWorker<T> {
    private static final Logger LOG = LoggerFactory.getLogger(QueueWorker.class);

    /** Handles one job; may block for as long as the job takes. */
    @FunctionalInterface
    public interface Handler<T> {
        void handle(T job) throws InterruptedException;
    }

    private final String name;
    private final JobQueue<T> queue;
    private final Duration poll;
    private final Handler<T> handler;
    private volatile Thread thread;
    private volatile boolean stopping;

    public QueueWorker(String name, JobQueue<T> queue, Duration poll, Handler<T> handler) {
        this.name = name;
        this.queue = queue;
        this.poll = poll;
        this.handler = handler;
    }

    public synchronized void start() {
        thread = new Thread(this::loop, name);
        thread.start();
    }

    /** Interrupts the job in hand and waits for the thread to end. */
    public void stop(Duration wait) throws InterruptedException {
        stopping = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            t.join(wait.toMillis());
        }
    }

    public boolean isAlive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    private void loop() {
        while (!stopping) {
            try {
                Optional<T> job = queue.take(poll);
                if (job.isPresent()) {
                    handler.handle(job.get());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                LOG.error("{}: queue failure, retrying in 1 s", name, e);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }
}
