package io.surge.io.kafka;

import io.surge.event.Ingested;
import io.surge.ingest.InputValidation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Everything committed to some input topics when it is called, from the oldest record, decoded and validated exactly
 * as the job's source does it: for replaying recorded traffic.
 */
public final class TopicSnapshot {

    private TopicSnapshot() {}

    public static List<Ingested> read(KafkaJob job, List<String> topics, InputValidation validation) {
        InputDeserializer deserializer = new InputDeserializer(job.registry(), job.topics(), validation);
        deserializer.open(null);
        List<Ingested> ingested = new ArrayList<>();
        Collector<Ingested> collector = new Collector<>() {
            @Override
            public void collect(Ingested record) {
                ingested.add(record);
            }

            @Override
            public void close() {}
        };
        forEachCommitted(job, topics, record -> deserializer.deserialize(record, collector));
        return ingested;
    }

    /**
     * Hands every record committed to the topics when it is called, from the oldest, to {@code each}.
     *
     * @return how many records were handed over
     */
    public static long forEachCommitted(
            KafkaJob job, List<String> topics, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaReaders.create(
                job.kafka(),
                null,
                KafkaReaders.Isolation.COMMITTED,
                true,
                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                partitions.addAll(KafkaReaders.partitions(consumer, topic));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long handed = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        each.accept(record);
                        handed++;
                    }
                }
            }
            return handed;
        }
    }
}
