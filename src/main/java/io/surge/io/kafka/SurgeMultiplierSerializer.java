package io.surge.io.kafka;

import io.surge.avro.SurgeMultiplier;
import io.surge.io.serde.AvroEncoder;
import io.surge.pricing.ZoneSurge;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A {@link ZoneSurge} as a {@code SurgeMultiplier} record keyed by zone id, in the registry wire format. */
public final class SurgeMultiplierSerializer implements SingleTopicSerializer<ZoneSurge> {

    private static final long serialVersionUID = 1L;
    private final String topic;
    private final int schemaId;
    private transient AvroEncoder<SurgeMultiplier> encoder;

    public SurgeMultiplierSerializer(String topic, int schemaId) {
        this.topic = topic;
        this.schemaId = schemaId;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        encoder = new AvroEncoder<>(schemaId, SurgeMultiplier.getClassSchema());
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(ZoneSurge surge, KafkaSinkContext context, Long timestamp) {
        SurgeMultiplier record = SurgeMultiplier.newBuilder()
                .setZoneId(surge.zoneId())
                .setWindowStart(Instant.ofEpochMilli(surge.windowStart()))
                .setWindowEnd(Instant.ofEpochMilli(surge.windowEnd()))
                .setDemand(surge.demand())
                .setSupply(surge.supply())
                .setMultiplier(surge.multiplier())
                .setComputedAt(Instant.ofEpochMilli(surge.computedAt()))
                .build();
        return new ProducerRecord<>(topic, surge.zoneId().getBytes(StandardCharsets.UTF_8), encoder.encode(record));
    }
}
