package io.surge.testing.stack;

import io.surge.io.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka producers and read_committed consumers of raw bytes, as a user of surge's topics would have. */
public final class KafkaClients {

    private KafkaClients() {}

    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return producer(KafkaSettings.plaintext(bootstrap));
    }

    public static KafkaProducer<byte[], byte[]> producer(KafkaSettings kafka) {
        // a missing topic fails the test in seconds instead of blocking each send for a minute
        return producer(kafka, Duration.ofSeconds(15));
    }

    /** @param maxBlock how long a send may wait for the broker, e.g. to ride out a restart */
    public static KafkaProducer<byte[], byte[]> producer(KafkaSettings kafka, Duration maxBlock) {
        return new KafkaProducer<>(kafka.clientProperties(Map.of(
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                "5",
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                String.valueOf(maxBlock.toMillis()),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class)));
    }

    /**
     * A producer of {@code transactionalId}, not yet initialised.
     *
     * @param timeout after which the broker aborts a transaction left open
     */
    public static KafkaProducer<byte[], byte[]> transactionalProducer(
            String bootstrap, String transactionalId, Duration timeout) {
        return new KafkaProducer<>(KafkaSettings.plaintext(bootstrap)
                .clientProperties(Map.of(
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        transactionalId,
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        String.valueOf(timeout.toMillis()),
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        "15000",
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        ByteArraySerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        ByteArraySerializer.class)));
    }

    public static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
        try {
            return producer.send(record).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("cannot produce to " + record.topic(), e);
        }
    }

    /** A consumer of committed records only, from the beginning of the topic. */
    public static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap, String topic) {
        return committedReader(KafkaSettings.plaintext(bootstrap), topic);
    }

    public static KafkaConsumer<byte[], byte[]> committedReader(KafkaSettings kafka, String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.clientProperties(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-reader-" + topic + "-" + System.nanoTime(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class)));
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /**
     * Polls into {@code into} until {@code done} holds for everything read so far, failing after {@code timeout}.
     */
    public static void pollUntil(
            KafkaConsumer<byte[], byte[]> consumer,
            List<ConsumerRecord<byte[], byte[]>> into,
            Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
            Duration timeout,
            String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(into)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what + "; read "
                        + into.size() + " records");
            }
            consumer.poll(Duration.ofMillis(200)).forEach(into::add);
        }
    }

    /** Reads whatever arrives within {@code quiet}: for asserting that nothing more (a duplicate) shows up. */
    public static void pollFor(
            KafkaConsumer<byte[], byte[]> consumer, List<ConsumerRecord<byte[], byte[]>> into, Duration quiet) {
        long deadline = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(into::add);
        }
    }

    public static List<ConsumerRecord<byte[], byte[]>> records() {
        return new ArrayList<>();
    }
}
