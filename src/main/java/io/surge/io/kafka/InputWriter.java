package io.surge.io.kafka;

import io.surge.avro.DriverStatus;
import io.surge.avro.RideRequest;
import io.surge.config.SurgeConfig;
import io.surge.config.Topics;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.io.serde.AvroEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
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
    private final AvroEncoder<RideRequest> rides;
    private final AvroEncoder<DriverStatus> statuses;
    private final AtomicLong sent = new AtomicLong();

    public InputWriter(SurgeConfig config) {
        this(config, Duration.ofMillis(20));
    }

    /**
     * @param linger how long the producer may hold records to batch them: zero sends each as it comes, as a phone app
     *     does
     */
    public InputWriter(SurgeConfig config, Duration linger) {
        this.topics = config.topics();
        SchemaRegistryClient registry = new SchemaRegistryClient(config.registry());
        this.rides = new AvroEncoder<>(
                registry.register(Topics.valueSubject(topics.rideRequests()), RideRequest.getClassSchema()),
                RideRequest.getClassSchema());
        this.statuses = new AvroEncoder<>(
                registry.register(Topics.valueSubject(topics.driverStatus()), DriverStatus.getClassSchema()),
                DriverStatus.getClassSchema());
        this.producer = new KafkaProducer<>(config.kafka().clientProperties(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, Long.toString(linger.toMillis()),
                ProducerConfig.BATCH_SIZE_CONFIG, "65536",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
    }

    /** Sends a {@link RideRequest} or a {@link DriverStatus}. */
    public void send(Object event) {
        if (event instanceof RideRequest ride) {
            producer.send(new ProducerRecord<>(topics.rideRequests(), keyOf(ride), rides.encode(ride)));
        } else {
            DriverStatus status = (DriverStatus) event;
            producer.send(new ProducerRecord<>(topics.driverStatus(), keyOf(status), statuses.encode(status)));
        }
        sent.incrementAndGet();
    }

    /**
     * The Kafka key of an input record: its request or driver id, so that every partition gets its share of the
     * traffic all along and one driver's statuses stay in order.
     */
    public static byte[] keyOf(Object event) {
        String id = event instanceof RideRequest ride ? ride.getRequestId() : ((DriverStatus) event).getDriverId();
        return id.getBytes(StandardCharsets.UTF_8);
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
