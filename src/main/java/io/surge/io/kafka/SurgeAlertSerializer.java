package io.surge.io.kafka;

import io.surge.alerts.ZoneAlert;
import io.surge.avro.SurgeAlert;
import io.surge.io.serde.AvroEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A {@link ZoneAlert} as a {@code SurgeAlert} record keyed by zone id, in the registry wire format. */
public final class SurgeAlertSerializer implements SingleTopicSerializer<ZoneAlert> {

    private static final long serialVersionUID = 1L;
    private final String topic;
    private final int schemaId;
    private transient AvroEncoder<SurgeAlert> encoder;

    public SurgeAlertSerializer(String topic, int schemaId) {
        this.topic = topic;
        this.schemaId = schemaId;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        encoder = new AvroEncoder<>(schemaId, SurgeAlert.getClassSchema());
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(ZoneAlert alert, KafkaSinkContext context, Long timestamp) {
        SurgeAlert record = SurgeAlert.newBuilder()
                .setAlertId(alert.alertId())
                .setRule(alert.rule())
                .setSeverity(alert.severity())
                .setZoneId(alert.zoneId())
                .setFirstEventTime(Instant.ofEpochMilli(alert.firstEventTime()))
                .setLastEventTime(Instant.ofEpochMilli(alert.lastEventTime()))
                .setSummary(alert.summary())
                .setDetails(alert.details())
                .setDetectedAt(Instant.ofEpochMilli(alert.detectedAt()))
                .build();
        return new ProducerRecord<>(topic, alert.zoneId().getBytes(StandardCharsets.UTF_8), encoder.encode(record));
    }
}
