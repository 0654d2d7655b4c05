package io.surge.bench;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.checkpoint.FailedCheckpointStats;
import org.apache.flink.runtime.util.stats.StatsSummarySnapshot;

/**
 * What a Flink contender's job held while it ran: its checkpoints, as Flink's own statistics count them, and the heap.
 *
 * @param checkpoints completed checkpoints
 * @param failedCheckpoints checkpoints that failed
 * @param failureReasons why, as Flink's statistics say it (the first line of each failure message), with how many
 *     failed for it: declines by tasks closing at the end of the bounded input are of the benchmark, not the
 *     contender; expiries and the rest say the contender is misconfigured or overloaded
 * @param peakStateBytes the largest full state of a completed checkpoint (for incremental checkpoints, what they all
 *     reference, not what each added)
 * @param stateSizes the full state of each completed checkpoint, oldest first: flat while the traffic is steady when
 *     the state of zones and drivers that went quiet is dropped
 * @param checkpointMillisP50 the median time from a checkpoint's trigger to its completion
 * @param checkpointMillisMax the longest of those
 * @param heapAfterGcPeakBytes the most heap this process held after a garbage collection while the job ran, less what
 *     it held after the one just before: an upper bound of what the job kept on the heap (RocksDB's memory is
 *     outside it, bounded by Flink's managed memory)
 */
public record JobFootprint(
        long checkpoints,
        long failedCheckpoints,
        Map<String, Long> failureReasons,
        long peakStateBytes,
        List<Long> stateSizes,
        long checkpointMillisP50,
        long checkpointMillisMax,
        long heapAfterGcPeakBytes) {

    private static final Pattern TASK_IDS = Pattern.compile("[0-9a-f]{32}(_[0-9a-f]{32})?(_\\d+)*");
    private static final String NOT_TRIGGERED = "not triggered, no statistics kept";

    static JobFootprint of(CheckpointStatsSnapshot stats, long heapAfterGcPeakBytes) {
        StatsSummarySnapshot durations = stats.getSummaryStats().getEndToEndDurationStats();
        List<AbstractCheckpointStats> history = stats.getHistory().getCheckpoints();
        List<Long> sizes = history.stream()
                .filter(checkpoint -> checkpoint.getStatus() == CheckpointStatsStatus.COMPLETED)
                .sorted(Comparator.comparingLong(AbstractCheckpointStats::getCheckpointId))
                .map(AbstractCheckpointStats::getStateSize)
                .toList();
        Map<String, Long> reasons = history.stream()
                .filter(checkpoint -> checkpoint instanceof FailedCheckpointStats)
                .map(checkpoint -> reason(((FailedCheckpointStats) checkpoint).getFailureMessage()))
                .collect(Collectors.groupingBy(reason -> reason, TreeMap::new, Collectors.counting()));
        long failed = stats.getCounts().getNumberOfFailedCheckpoints();
        long explained = reasons.values().stream().mapToLong(Long::longValue).sum();
        if (failed > explained) {
            // a checkpoint whose trigger fails (its tasks finished or not yet running) is counted, with no history
            reasons.put(NOT_TRIGGERED, failed - explained);
        }
        return new JobFootprint(
                stats.getCounts().getNumberOfCompletedCheckpoints(),
                failed,
                reasons,
                stats.getSummaryStats().getStateSizeStats().getMaximum(),
                sizes,
                durations.getCount() == 0 ? 0 : (long) durations.getQuantile(0.5),
                durations.getMaximum(),
                heapAfterGcPeakBytes);
    }

    /** A failure message's first line, without the ids of tasks and attempts, so that one cause counts once. */
    static String reason(String message) {
        String first =
                message == null ? "" : message.lines().findFirst().orElse("").strip();
        return first.isEmpty() ? "no message" : TASK_IDS.matcher(first).replaceAll("<task>");
    }
}
