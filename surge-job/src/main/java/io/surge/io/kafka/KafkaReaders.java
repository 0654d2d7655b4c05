package io.surge.io.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The one way surge's own readers make Kafka consumers: keys and values as bytes (decoding is theirs, through the
 * registry), offsets never auto-committed, as they track where they are themselves or start over.
 */
public final class KafkaReaders {

    /** Which records a reader sees, and where a reader without committed offsets starts. */
    public enum Isolation {
        COMMITTED,
        UNCOMMITTED
    }

    private KafkaReaders() {}

    /**
     * @param group the consumer group, or null for a reader that is assigned its partitions
     * @param fromBeginning start at the oldest record, else at the newest, where the group has no offsets
     * @param more further consumer settings, over these
     */
    public static KafkaConsumer<byte[], byte[]> create(
            KafkaSettings kafka, String group, Isolation isolation, boolean fromBeginning, Map<String, ?> more) {
        Map<String, Object> properties = new HashMap<>(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolation == Isolation.COMMITTED ? "read_committed" : "read_uncommitted",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                fromBeginning ? "earliest" : "latest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
        if (group != null) {
            properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        properties.putAll(more);
        return new KafkaConsumer<>(kafka.clientProperties(properties));
    }

    public static KafkaConsumer<byte[], byte[]> create(
            KafkaSettings kafka, String group, Isolation isolation, boolean fromBeginning) {
        return create(kafka, group, isolation, fromBeginning, Map.of());
    }

    /**
     * The topic's partitions as the reader knows them, empty when the topic does not exist (yet): each caller decides
     * whether to wait for it or to give up.
     */
    public static List<TopicPartition> partitions(Consumer<?, ?> reader, String topic) {
        return reader.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
    }
}
