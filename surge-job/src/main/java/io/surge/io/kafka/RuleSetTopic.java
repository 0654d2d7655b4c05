package io.surge.io.kafka;

import io.surge.alerts.RuleSetVersion;
import io.surge.avro.RuleSet;
import io.surge.event.Reason;
import io.surge.io.registry.RegistryException;
import io.surge.io.registry.RegistrySettings;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.io.serde.AvroDecoder;
import io.surge.io.serde.AvroEncoder;
import io.surge.io.serde.UndecodableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployed rule set versions on {@code surge-rules}: published by {@code surge rules deploy}, listed by
 * {@code surge rules list}, read whole when the job is built and followed by the running job. Each version is its own
 * record, under a key of its own, and its number is its position in the topic's one partition. A record that is not a
 * readable {@code RuleSet} is skipped with a warning: it is no version, and must not stop the alerts. A registry that
 * cannot be reached or refuses surge is no reason to skip one: that stops the reading, with the registry's answer.
 */
public final class RuleSetTopic {

    private static final Logger LOG = LoggerFactory.getLogger(RuleSetTopic.class);

    private RuleSetTopic() {}

    /**
     * The running job's input of versions: the whole topic, then every version deployed while it runs; with bounded
     * input ({@code input.bounded}), what is there at start, so that the job ends with its inputs.
     */
    public static KafkaSource<RuleSetVersion> source(KafkaJob job) {
        KafkaSourceBuilder<RuleSetVersion> builder = KafkaSource.<RuleSetVersion>builder()
                .setProperties(KafkaEndpoints.properties(job))
                .setTopics(job.topics().ruleSets())
                .setGroupId(job.name() + "-rules")
                .setClientIdPrefix(job.name() + "-rules")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setProperty("commit.offsets.on.checkpoint", "false")
                .setDeserializer(new Deserializer(job.registry()));
        if (job.boundedInput()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * Every version deployed so far, in version order.
     *
     * @throws RegistryException when the registry cannot be reached for {@code registry.retry-for}: the job's start
     *     and the tools stop with the reason instead of waiting, or of leaving versions out
     */
    public static List<RuleSetVersion> readAll(KafkaJob job) {
        SchemaRegistryClient registry = new SchemaRegistryClient(job.registry());
        AvroDecoder<RuleSet> decoder = new AvroDecoder<>(registry::schemaById, RuleSet.getClassSchema());
        List<RuleSetVersion> versions = new ArrayList<>();
        TopicSnapshot.forEachCommitted(
                job,
                List.of(job.topics().ruleSets()),
                record -> decode(decoder, record).ifPresent(versions::add));
        versions.sort(Comparator.comparingLong(RuleSetVersion::version));
        return versions;
    }

    /**
     * Publishes a rule set as the next version, signed or not. Its number is its position in the topic, which the
     * broker assigns: no writer can choose it, two deploys at the same moment get two numbers, and numbers only grow.
     *
     * @param version what to publish; its number is not read
     * @return the version as published
     */
    public static RuleSetVersion publish(KafkaJob job, RuleSetVersion version, Instant now) {
        RuleSet record = RuleSet.newBuilder()
                .setVersion(0)
                .setEffectiveFrom(Instant.ofEpochMilli(version.effectiveFrom()))
                .setRules(Map.copyOf(version.files()))
                .setDeployedBy(version.deployedBy())
                .setDeployedAt(now)
                .setKeyId(version.keyId())
                .setSignature(version.signature())
                .build();
        int schemaId = KafkaEndpoints.outputSchemas(job).prepare(job.topics().ruleSets(), RuleSet.getClassSchema());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(job.kafka()
                .clientProperties(Map.of(
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            // a key of its own: no later record, by compaction or by mistake, can take a version's place
            RecordMetadata written = producer.send(new ProducerRecord<>(
                            job.topics().ruleSets(),
                            UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8),
                            new AvroEncoder<RuleSet>(schemaId, RuleSet.getClassSchema()).encode(record)))
                    .get(30, TimeUnit.SECONDS);
            return version(record, written.offset());
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            // a refusal reaches send() itself when the producer's id request was refused before it
            throw new KafkaSetupException(
                    "cannot publish a rule set version to " + job.topics().ruleSets()
                            + " on " + job.bootstrapServers() + ": " + e.getMessage() + "; "
                            + KafkaSetupException.fix(job.kafka(), e),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing a rule set", e);
        }
    }

    /** The version a record at this offset of the (single-partition) rules topic is. */
    static RuleSetVersion version(RuleSet record, long offset) {
        return new RuleSetVersion(
                offset + 1,
                record.getEffectiveFrom().toEpochMilli(),
                record.getRules(),
                record.getDeployedBy(),
                record.getKeyId(),
                record.getSignature());
    }

    private static Optional<RuleSetVersion> decode(
            AvroDecoder<RuleSet> decoder, ConsumerRecord<byte[], byte[]> record) {
        if (record.partition() != 0) {
            LOG.warn(
                    "{}/{}@{} is skipped: rule set versions are the records of partition 0, numbered by position;"
                            + " the topic should have one partition",
                    record.topic(),
                    record.partition(),
                    record.offset());
            return Optional.empty();
        }
        try {
            return Optional.of(version(decoder.decode(record.value()), record.offset()));
        } catch (RegistryException e) {
            // the registry's trouble, not the record's: skipping it would leave a version out
            throw e;
        } catch (UndecodableException e) {
            if (e.reason() == Reason.REGISTRY_REFUSED) {
                throw new RegistryException(
                        "the registry refuses surge the schema of " + record.topic() + "/" + record.partition() + "@"
                                + record.offset() + ": " + e.getMessage(),
                        0,
                        e);
            }
            return skipped(record, e);
        } catch (RuntimeException e) {
            return skipped(record, e);
        }
    }

    private static Optional<RuleSetVersion> skipped(ConsumerRecord<byte[], byte[]> record, Exception why) {
        LOG.warn(
                "{}/{}@{} is no rule set version and is skipped: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                why.getMessage());
        return Optional.empty();
    }

    /** Decodes each record of the topic into a version, skipping any that is none. */
    private static final class Deserializer implements KafkaRecordDeserializationSchema<RuleSetVersion> {

        private static final long serialVersionUID = 1L;
        private final RegistrySettings registry;
        private transient AvroDecoder<RuleSet> decoder;

        Deserializer(RegistrySettings registry) {
            this.registry = registry;
        }

        @Override
        public void open(DeserializationSchema.InitializationContext context) {
            // while the job runs, an outage is waited out: the rules in force stay, and nothing else waits for these
            decoder = new AvroDecoder<>(new SchemaRegistryClient(registry)::awaitSchemaById, RuleSet.getClassSchema());
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RuleSetVersion> out)
                throws IOException {
            decode(decoder, record).ifPresent(out::collect);
        }

        @Override
        public TypeInformation<RuleSetVersion> getProducedType() {
            return RuleSetVersion.TYPE;
        }
    }
}
