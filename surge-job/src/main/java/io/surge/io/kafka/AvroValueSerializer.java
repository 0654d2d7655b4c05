package io.surge.io.kafka;

import io.surge.io.serde.AvroEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.Function;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One of surge's results as a Kafka record of its output topic: keyed by zone id (UTF-8), the value an Avro record in
 * the registry wire format under the schema id registered at job start.
 *
 * @param <T> the result inside the job
 * @param <R> the Avro record of the public schema
 */
public final class AvroValueSerializer<T, R extends SpecificRecord> implements SingleTopicSerializer<T> {

    private static final long serialVersionUID = 1L;

    /** Maps a result to its public record or its key; serializable, as it ships with the job. */
    public interface Mapping<A, B> extends Function {
        B apply(A value);
    }

    private final String topic;
    private final int schemaId;
    private final Schema schema;
    private final Mapping<T, R> toRecord;
    private final Mapping<T, String> zoneOf;
    private transient AvroEncoder<R> encoder;

    public AvroValueSerializer(
            String topic, int schemaId, Schema schema, Mapping<T, R> toRecord, Mapping<T, String> zoneOf) {
        this.topic = topic;
        this.schemaId = schemaId;
        this.schema = schema;
        this.toRecord = toRecord;
        this.zoneOf = zoneOf;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        encoder = new AvroEncoder<>(schemaId, schema);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T result, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic, zoneOf.apply(result).getBytes(StandardCharsets.UTF_8), encoder.encode(toRecord.apply(result)));
    }
}
