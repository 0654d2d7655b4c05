package io.surge.bench;

import java.util.Comparator;
import java.util.List;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.checkpoint.FailedCheckpointStats;
import org.apache.flink.runtime.util.stats.StatsSummarySnapshot;

/**
 * What a Flink contender's job held while it ran: its checkpoints, as Flink's own statistics count them, and the heap.
 *
 * @param checkpoints completed checkpoints
 * @param failedCheckpoints checkpoints that failed, most of them declined by tasks closing once their bounded input
 *     ended while the tasks after them still worked through what was in flight
 * @param expiredCheckpoints of those, the ones that took longer than {@code checkpoint.timeout}
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
        long expiredCheckpoints,
        long peakStateBytes,
        List<Long> stateSizes,
        long checkpointMillisP50,
        long checkpointMillisMax,
        long heapAfterGcPeakBytes) {

    static JobFootprint of(CheckpointStatsSnapshot stats, long heapAfterGcPeakBytes) {
        StatsSummarySnapshot durations = stats.getSummaryStats().getEndToEndDurationStats();
        List<AbstractCheckpointStats> history = stats.getHistory().getCheckpoints();
        List<Long> sizes = history.stream()
                .filter(checkpoint -> checkpoint.getStatus() == CheckpointStatsStatus.COMPLETED)
                .sorted(Comparator.comparingLong(AbstractCheckpointStats::getCheckpointId))
                .map(AbstractCheckpointStats::getStateSize)
                .toList();
        long expired = history.stream()
                .filter(checkpoint -> checkpoint instanceof FailedCheckpointStats failed
                        && failed.getFailureMessage() != null
                        && failed.getFailureMessage().contains(CheckpointFailureReason.CHECKPOINT_EXPIRED.message()))
                .count();
        return new JobFootprint(
                stats.getCounts().getNumberOfCompletedCheckpoints(),
                stats.getCounts().getNumberOfFailedCheckpoints(),
                expired,
                stats.getSummaryStats().getStateSizeStats().getMaximum(),
                sizes,
                durations.getCount() == 0 ? 0 : (long) durations.getQuantile(0.5),
                durations.getMaximum(),
                heapAfterGcPeakBytes);
    }
}
