package io.surge.io.kafka;

import io.surge.avro.SurgeAlert;
import io.surge.avro.SurgeMultiplier;
import io.surge.config.SurgeConfig;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.io.serde.AvroDecoder;
import io.surge.io.serde.UndecodableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads surge's two public result topics from their beginning as any consumer of surge should: read_committed, each
 * value decoded through the registry by the schema id it carries into the current contract.
 */
public final class OutputsReader implements AutoCloseable {

    private final SurgeConfig config;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroDecoder<SurgeMultiplier> multipliers;
    private final AvroDecoder<SurgeAlert> alerts;

    /** @param groupId the consumer group, e.g. "surge-dashboard"; it commits nothing */
    public OutputsReader(SurgeConfig config, String groupId) {
        this.config = config;
        SchemaRegistryClient registry = new SchemaRegistryClient(config.registry());
        this.multipliers = new AvroDecoder<>(registry::schemaById, SurgeMultiplier.getClassSchema());
        this.alerts = new AvroDecoder<>(registry::schemaById, SurgeAlert.getClassSchema());
        this.consumer = new KafkaConsumer<>(config.kafka().clientProperties(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)));
        consumer.subscribe(List.of(config.topics().multipliers(), config.topics().alerts()));
    }

    /**
     * Hands what arrives within {@code timeout} to the two consumers, in topic order. A value that does not decode
     * (not written by surge) is skipped.
     */
    public void poll(Duration timeout, Consumer<SurgeMultiplier> onMultiplier, Consumer<SurgeAlert> onAlert) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            try {
                if (record.topic().equals(config.topics().multipliers())) {
                    onMultiplier.accept(multipliers.decode(record.value()));
                } else {
                    onAlert.accept(alerts.decode(record.value()));
                }
            } catch (UndecodableException e) {
                // nothing to show of it
            }
        }
    }

    /** Safe from another thread: ends a poll in progress. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
