package io.surge.generator;

import io.surge.ingest.Input;
import io.surge.io.Topics;
import io.surge.io.kafka.KafkaJob;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.io.serde.AvroEncoder;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes ride requests and driver statuses to surge's input topics as the ride app would: input schemas registered
 * under the topics' subjects, the registry's wire format, keyed by request or driver id.
 */
public final class InputWriter implements AutoCloseable {

    private final Topics topics;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<Input, AvroEncoder<SpecificRecord>> encoders = new EnumMap<>(Input.class);
    private final AtomicLong sent = new AtomicLong();

    public InputWriter(KafkaJob job) {
        this(job, Duration.ofMillis(20));
    }

    /**
     * @param linger how long the producer may hold records to batch them: zero sends each as it comes, as a phone app
     *     does
     */
    public InputWriter(KafkaJob job, Duration linger) {
        this.topics = job.topics();
        SchemaRegistryClient registry = new SchemaRegistryClient(job.registry());
        for (Input input : Input.values()) {
            encoders.put(
                    input,
                    new AvroEncoder<>(
                            registry.register(Topics.valueSubject(topics.input(input)), input.schema()),
                            input.schema()));
        }
        this.producer = new KafkaProducer<>(job.kafka()
                .clientProperties(Map.of(
                        ProducerConfig.LINGER_MS_CONFIG,
                        Long.toString(linger.toMillis()),
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        "65536",
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        "lz4",
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        ByteArraySerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        ByteArraySerializer.class)));
    }

    /** Sends a record of one of the {@link Input}s to its topic. */
    public void send(SpecificRecord record) {
        Input input = Input.of(record);
        producer.send(new ProducerRecord<>(
                topics.input(input), input.key(record), encoders.get(input).encode(record)));
        sent.incrementAndGet();
    }

    public void flush() {
        producer.flush();
    }

    public long sent() {
        return sent.get();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
