package io.surge.dashboard;

import io.surge.avro.SurgeAlert;
import io.surge.avro.SurgeMultiplier;
import io.surge.io.kafka.KafkaJob;
import io.surge.io.kafka.KafkaReaders;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.io.serde.TopicDecoders;
import io.surge.io.serde.UndecodableException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Reads surge's two public result topics from their beginning as any consumer of surge should: read_committed, each
 * value decoded through the registry by the schema id it carries into the current contract.
 */
public final class OutputsReader implements AutoCloseable {

    private final KafkaJob job;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicDecoders decoders;

    /** @param groupId the consumer group, e.g. "surge-dashboard"; it commits nothing */
    public OutputsReader(KafkaJob job, String groupId) {
        this.job = job;
        this.decoders = new TopicDecoders(job.topics(), new SchemaRegistryClient(job.registry())::schemaById);
        this.consumer = KafkaReaders.create(job.kafka(), groupId, KafkaReaders.Isolation.COMMITTED, true);
        consumer.subscribe(List.of(job.topics().multipliers(), job.topics().alerts()));
    }

    /**
     * Hands what arrives within {@code timeout} to the two consumers, in topic order. A value that does not decode
     * (not written by surge) is skipped.
     */
    public void poll(Duration timeout, Consumer<SurgeMultiplier> onMultiplier, Consumer<SurgeAlert> onAlert) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            try {
                SpecificRecord decoded = decoders.decode(record.topic(), record.value());
                if (decoded instanceof SurgeMultiplier multiplier) {
                    onMultiplier.accept(multiplier);
                } else {
                    onAlert.accept((SurgeAlert) decoded);
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
