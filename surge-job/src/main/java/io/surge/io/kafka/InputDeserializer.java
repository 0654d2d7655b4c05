package io.surge.io.kafka;

import io.surge.event.Ingested;
import io.surge.event.Reason;
import io.surge.event.RecordOrigin;
import io.surge.ingest.Input;
import io.surge.ingest.InputValidation;
import io.surge.io.Topics;
import io.surge.io.registry.RegistryException;
import io.surge.io.registry.RegistrySettings;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.io.serde.TopicDecoders;
import io.surge.io.serde.UndecodableException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each consumed input record into exactly one {@link Ingested}: decoded through the registry and validated, or
 * diverted with the reason it cannot be used. Decoding happens here, inside the source, so that watermarks are
 * generated per Kafka partition from valid event times only.
 *
 * <p>No record can fail the job: whatever decoding or validating one throws, {@code Error}s included, diverts that
 * record; only a wait for the registry, which an outage prolongs, is not the record's to pay for, and when the job
 * stops during one, that ends it.
 */
public final class InputDeserializer implements KafkaRecordDeserializationSchema<Ingested> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(InputDeserializer.class);

    private final RegistrySettings registrySettings;
    private final Topics topics;
    private final InputValidation validation;
    /** Made once with the job and the same in every task and restart of it: the scope of its schema cache. */
    private final String schemaCacheScope = "input-deserializer-" + UUID.randomUUID();

    private transient TopicDecoders decoders;
    private transient Map<String, Input> inputs;
    /** Unexpected failures already logged with their stack: a bug to report once, not once per record. */
    private transient Set<Class<?>> logged;

    public InputDeserializer(RegistrySettings registrySettings, Topics topics, InputValidation validation) {
        this.registrySettings = registrySettings;
        this.topics = topics;
        this.validation = validation;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        SchemaRegistryClient registry = new SchemaRegistryClient(registrySettings, schemaCacheScope);
        decoders = new TopicDecoders(topics, registry::awaitSchemaById);
        inputs = new HashMap<>();
        topics.inputs().forEach((input, topic) -> inputs.put(topic, input));
        logged = new HashSet<>();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested> out) {
        RecordOrigin origin =
                new RecordOrigin(record.topic(), record.partition(), record.offset(), record.key(), record.value());
        out.collect(ingest(record, origin));
    }

    /**
     * The record decoded and validated, or diverted. Only this is the record's: what the operators it is passed on to
     * throw (Flink cancelling the task, say) is theirs, so it is not caught here.
     */
    private Ingested ingest(ConsumerRecord<byte[], byte[]> record, RecordOrigin origin) {
        try {
            Input input = inputs.get(record.topic());
            return input.validate(validation, decoders.decode(record.topic(), record.value()), origin);
        } catch (UndecodableException e) {
            return Ingested.diverted(e.reason(), e.getMessage(), origin);
        } catch (RegistryException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            if (logged.add(e.getClass())) {
                LOG.warn(
                        "an input record failed to decode unexpectedly; it is dead-lettered, and so will be others"
                                + " failing alike, without this log line topic={} partition={} offset={}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        e);
            }
            return Ingested.diverted(Reason.UNDECODABLE, "decoding it failed: " + e, origin);
        }
    }

    @Override
    public TypeInformation<Ingested> getProducedType() {
        return TypeInformation.of(Ingested.class);
    }
}
