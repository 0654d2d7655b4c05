package io.surge.io.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a job that starts without state reads each input partition from: the offset its consumer group committed, else
 * the partition's beginning.
 *
 * <p>Unlike the connector's {@link OffsetsInitializer#committedOffsets(OffsetResetStrategy)}, which leaves the lookup
 * to the reader and hands it a split that says only "committed", this resolves the offsets as the partitions are
 * assigned, so every split holds a real offset from the start. That matters for checkpoints: a split the reader has
 * not yet read from is checkpointed as it was assigned, and "committed", looked up again when that checkpoint is
 * restored, means whatever a later checkpoint committed, so the records in between would be skipped. Restoring an
 * older checkpoint or a savepoint must read from where it was taken.
 */
final class StartingOffsets implements OffsetsInitializer {

    private static final long serialVersionUID = 1L;

    @Override
    public Map<TopicPartition, Long> getPartitionOffsets(
            Collection<TopicPartition> partitions, PartitionOffsetsRetriever offsets) {
        Map<TopicPartition, Long> starting = new HashMap<>(offsets.committedOffsets(partitions));
        List<TopicPartition> uncommitted = partitions.stream()
                .filter(partition -> !starting.containsKey(partition))
                .toList();
        if (!uncommitted.isEmpty()) {
            starting.putAll(offsets.beginningOffsets(uncommitted));
        }
        return starting;
    }

    /** A committed offset that retention has since deleted falls back to the earliest one kept. */
    @Override
    public OffsetResetStrategy getAutoOffsetResetStrategy() {
        return OffsetResetStrategy.EARLIEST;
    }
}
