package io.surge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;

/** A MiniCluster's metrics of a job, as the accounting tests read them: surge's counters and Flink's restarts. */
public final class JobMetrics {

    private final InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();

    /** The MiniCluster configuration that reports here. */
    public Configuration configuration() {
        return reporter.addToConfiguration(new Configuration());
    }

    /** One of the {@code surge} counters, summed over the job's subtasks. */
    public long counter(JobID job, String name) {
        return reporter.findMetrics(job, "\\.surge\\." + name + "$").values().stream()
                .mapToLong(metric -> ((Counter) metric).getCount())
                .sum();
    }

    /**
     * Records counted, late or dead-lettered, once they add up to {@code consumed} or 60 s have passed: the source
     * counts a record before the windows downstream do, so the sum may lag the source's count for a moment.
     */
    public long accounted(JobID job, long consumed) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (outcomes(job) < consumed && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return outcomes(job);
    }

    /** Waits up to 60 s for a counter to reach {@code value}, then asserts it is that. */
    public void awaitCounter(JobID job, String name, long value) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (counter(job, name) < value && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(counter(job, name)).as(name).isEqualTo(value);
    }

    /** How often Flink restarted the job: its {@code numRestarts} gauge. */
    public long restarts(JobID job) {
        return reporter.findMetrics(job, "numRestarts$").values().stream()
                .mapToLong(metric -> ((Number) ((Gauge<?>) metric).getValue()).longValue())
                .max()
                .orElseThrow(() -> new AssertionError("no numRestarts metric for the job"));
    }

    private long outcomes(JobID job) {
        return counter(job, "eventsCounted") + counter(job, "eventsLate") + counter(job, "eventsDeadLettered");
    }
}
