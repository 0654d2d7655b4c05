package io.surge.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer.PartitionOffsetsRetriever;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StartingOffsetsTest {

    private static final TopicPartition COMMITTED = new TopicPartition("driver-status", 0);
    private static final TopicPartition NEVER_COMMITTED = new TopicPartition("driver-status", 1);

    /** A group that committed 40 on one partition and nothing on the other, whose log begins at 7. */
    private static final PartitionOffsetsRetriever BROKER = new PartitionOffsetsRetriever() {
        @Override
        public Map<TopicPartition, Long> committedOffsets(Collection<TopicPartition> partitions) {
            return partitions.contains(COMMITTED) ? Map.of(COMMITTED, 40L) : Map.of();
        }

        @Override
        public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
            return each(partitions, 100L);
        }

        @Override
        public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
            return each(partitions, 7L);
        }

        @Override
        public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestamps) {
            throw new UnsupportedOperationException();
        }
    };

    @Test
    void everyPartitionStartsAtARealOffsetTheCommittedOneElseTheBeginning() {
        assertThat(new StartingOffsets().getPartitionOffsets(List.of(COMMITTED, NEVER_COMMITTED), BROKER))
                .isEqualTo(Map.of(COMMITTED, 40L, NEVER_COMMITTED, 7L));
    }

    private static Map<TopicPartition, Long> each(Collection<TopicPartition> partitions, long offset) {
        return partitions.stream().collect(Collectors.toMap(Function.identity(), partition -> offset));
    }
}
