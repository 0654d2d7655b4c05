package io.surge.recovery;

import java.time.Duration;
import java.time.Instant;
import org.apache.flink.core.fs.Path;

/**
 * A checkpoint a job left behind, and whether a new job can restore it.
 *
 * @param id Flink's checkpoint id; a job restored from checkpoint n numbers its own from n + 1
 * @param directory its {@code chk-<id>} directory, what Flink's {@code execution.state-recovery.path} takes
 * @param completedAt when its metadata was written, or null when it has none
 * @param problem why it cannot be restored, or null when it can
 */
public record RetainedCheckpoint(long id, Path directory, Instant completedAt, String problem) {

    public boolean restorable() {
        return problem == null;
    }

    /** Its metadata was written: the job counted it complete and may have committed its transactions. */
    public boolean completed() {
        return completedAt != null;
    }

    public Duration age(Instant now) {
        return Duration.between(completedAt, now);
    }

    @Override
    public String toString() {
        return "checkpoint " + id + " (" + directory + (problem == null ? "" : ": " + problem) + ")";
    }
}
