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
        this.topics = config.topics();
        SchemaRegistryClient registry = new SchemaRegistryClient(config.registry());
        this.rides = new AvroEncoder<>(
                registry.register(Topics.valueSubject(topics.rideRequests()), RideRequest.getClassSchema()),
                RideRequest.getClassSchema());
        this.statuses = new AvroEncoder<>(
                registry.register(Topics.valueSubject(topics.driverStatus()), DriverStatus.getClassSchema()),
                DriverStatus.getClassSchema());
        this.producer = new KafkaProducer<>(config.kafka().clientProperties(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, "20",
                ProducerConfig.BATCH_SIZE_CONFIG, "65536",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
    }

    /** Sends a {@link RideRequest} or a {@link DriverStatus}. */
    public void send(Object event) {
        if (event instanceof RideRequest ride) {
            producer.send(new ProducerRecord<>(topics.rideRequests(), utf8(ride.getRequestId()), rides.encode(ride)));
        } else {
            DriverStatus status = (DriverStatus) event;
            producer.send(new ProducerRecord<>(
                    topics.driverStatus(), utf8(status.getDriverId()), statuses.encode(status)));
        }
        sent.incrementAndGet();
    }

    public void flush() {
        producer.flush();
    }

    public long sent() {
        return sent.get();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
