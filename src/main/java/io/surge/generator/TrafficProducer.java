package io.surge.generator;

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
 * Plays {@link CityTraffic} into the input topics, as the ride app would: registry wire format, keyed by request or
 * driver id, either in real time (each event sent when the city clock reaches it) or as fast as the broker takes it.
 */
public final class TrafficProducer implements AutoCloseable {

    private final CityTraffic city;
    private final Topics topics;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroEncoder<RideRequest> rides;
    private final AvroEncoder<DriverStatus> statuses;
    private final AtomicLong sent = new AtomicLong();

    public TrafficProducer(CityTraffic city, SurgeConfig config) {
        this.city = city;
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
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
    }

    /**
     * Sends city time from now until {@code duration} has passed, or until interrupted.
     *
     * @param realTime pace events to the wall clock; otherwise send them as fast as possible
     */
    public void play(Duration duration, boolean realTime) throws InterruptedException {
        long end = city.now() + duration.toMillis();
        long wallStart = System.currentTimeMillis();
        long cityStart = city.now();
        while (city.now() < end && !Thread.currentThread().isInterrupted()) {
            if (realTime) {
                long wait = (city.now() - cityStart) - (System.currentTimeMillis() - wallStart);
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            }
            for (Object event : city.step()) {
                send(event);
            }
        }
        producer.flush();
    }

    public long sent() {
        return sent.get();
    }

    private void send(Object event) {
        if (event instanceof RideRequest ride) {
            producer.send(new ProducerRecord<>(topics.rideRequests(), utf8(ride.getRequestId()), rides.encode(ride)));
        } else {
            DriverStatus status = (DriverStatus) event;
            producer.send(new ProducerRecord<>(
                    topics.driverStatus(), utf8(status.getDriverId()), statuses.encode(status)));
        }
        sent.incrementAndGet();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
