package io.surge.recovery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.util.TimeUtils;

/**
 * Where a job starts: from a retained checkpoint or a savepoint, or with empty state, and the one log line that says
 * which and why.
 *
 * @param from the checkpoint or savepoint to restore, or null to start with empty state
 * @param description one line for the operator: what the job starts from, and why
 */
public record StartPoint(RetainedCheckpoint from, String description) {

    /** The directory Flink restores, or null. */
    public String restoreFrom() {
        return from == null ? null : from.directory().toString();
    }

    /**
     * The start a retained set of checkpoints allows: the newest restorable one; empty state only when no checkpoint
     * ever completed and no offsets were ever committed, since only then has no result of this job been committed.
     *
     * @param newestFirst the checkpoints under {@code location}, from {@link RetainedCheckpoints#list()}
     * @param group the job's consumer group
     * @param groupHasOffsets whether that group has committed offsets on the job's Kafka cluster
     * @throws RecoveryException when results were committed but no checkpoint can restore the state behind them
     */
    public static StartPoint choose(
            List<RetainedCheckpoint> newestFirst, String location, String group, boolean groupHasOffsets, Instant now) {
        List<RetainedCheckpoint> skipped = newestFirst.stream()
                .takeWhile(checkpoint -> !checkpoint.restorable())
                .toList();
        if (skipped.size() < newestFirst.size()) {
            RetainedCheckpoint chosen = newestFirst.get(skipped.size());
            String from = "resuming from checkpoint id=" + chosen.id() + " age=" + format(chosen.age(now)) + " path="
                    + chosen.directory();
            List<RetainedCheckpoint> completedSkipped =
                    skipped.stream().filter(RetainedCheckpoint::completed).toList();
            if (completedSkipped.isEmpty()) {
                return new StartPoint(
                        chosen, from + (skipped.isEmpty() ? "" : " (skipped, never completed: " + ids(skipped) + ")"));
            }
            // the newer checkpoint counted as complete, so its results may have been committed: they come again
            return new StartPoint(
                    chosen,
                    from + "; newer, damaged: " + list(completedSkipped)
                            + ". Results committed after checkpoint " + chosen.id()
                            + " are computed and written again: read_committed consumers may see those (zone, window_end)"
                            + " twice, with equal values");
        }
        List<RetainedCheckpoint> damaged =
                newestFirst.stream().filter(RetainedCheckpoint::completed).toList();
        if (!damaged.isEmpty()) {
            throw new RecoveryException("no checkpoint in " + location + " can be restored: " + list(damaged)
                    + ". Starting with empty state would publish wrong multipliers for the windows open at that"
                    + " point; repair or restore the directory, or start over with --fresh");
        }
        if (groupHasOffsets) {
            throw new RecoveryException("consumer group " + group + " has committed offsets on this Kafka cluster,"
                    + " but " + location + " holds no checkpoint: the state of the run that committed them is"
                    + " elsewhere (another state.dir or checkpoint.dir?). Point surge there, or start over with --fresh"
                    + " (empty windows from the committed offsets)");
        }
        return new StartPoint(
                null,
                "starting with empty state: no checkpoint in " + location
                        + (newestFirst.isEmpty() ? "" : " completed (" + ids(newestFirst) + " never did)")
                        + " and no committed offsets, so nothing of this job was delivered yet");
    }

    public static StartPoint fresh(String description) {
        return new StartPoint(null, description);
    }

    public static StartPoint savepoint(RetainedCheckpoint savepoint) {
        if (!savepoint.restorable()) {
            throw new RecoveryException("the savepoint " + savepoint.directory() + " cannot be restored: "
                    + savepoint.problem() + "; give --from-savepoint the directory holding its " + "_metadata");
        }
        return new StartPoint(
                savepoint,
                "resuming from savepoint id=" + savepoint.id() + " path=" + savepoint.directory()
                        + " (--from-savepoint)");
    }

    /**
     * Makes the job restore from {@link #restoreFrom} without claiming it: the restored checkpoint stays as it is and
     * the job's first checkpoint is a full one, so that it depends on no earlier job's files.
     */
    public void applyTo(Configuration flink) {
        if (from != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom());
            flink.set(StateRecoveryOptions.RESTORE_MODE, RecoveryClaimMode.NO_CLAIM);
        }
    }

    private static String ids(List<RetainedCheckpoint> checkpoints) {
        return checkpoints.stream().map(c -> "chk-" + c.id()).collect(Collectors.joining(", "));
    }

    private static String list(List<RetainedCheckpoint> checkpoints) {
        return checkpoints.stream()
                .map(c -> "chk-" + c.id() + ": " + c.problem())
                .collect(Collectors.joining("; "));
    }

    private static String format(Duration duration) {
        return TimeUtils.formatWithHighestUnit(Duration.ofMillis(Math.max(0, duration.toMillis())));
    }
}
