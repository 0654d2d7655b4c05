package io.surge.time;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** Waiting for a condition that other threads or processes bring about, with a deadline. */
public final class Waiting {

    /** A condition to poll; it may fail, which ends the wait. */
    public interface Condition {
        boolean holds() throws Exception;
    }

    private static final long POLL_MILLIS = 50;

    private Waiting() {}

    /** @param what what is awaited, for the message when the deadline passes, e.g. "Kafka Streams to start" */
    public static void until(Condition condition, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("gave up after " + timeout + " waiting for " + what);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
