package io.surge.io.kafka;

import io.surge.alerts.ZoneAlert;
import io.surge.event.DivertedRecord;
import io.surge.event.Ingested;
import io.surge.ingest.InputValidation;
import io.surge.io.registry.OutputSchemas;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.pricing.ZoneSurge;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The Kafka source of both inputs and the sinks of every output.
 *
 * <p>By default every sink is transactional: a consumer with {@code isolation.level=read_committed} sees each record
 * exactly once, at the cost of seeing it only when the checkpoint that covers it completes. Late events and dead
 * letters are transactional too, so that each input is accounted for exactly once across failures.
 */
public final class KafkaEndpoints {

    /**
     * How much of one partition the consumer hands the source at a time; Kafka's default is 1 MiB, some 10,000 of
     * surge's input records. A source catching up a backlog (after a restart, say) emits a partition's whole run before
     * it turns to the next, so a partition waiting behind its neighbours' runs receives nothing for that long while
     * its records are still unread; once that is longer than {@code watermark.idleness}, it is taken for idle, the
     * watermark moves on without it, and its records count only in the windows still open. Runs 16 times shorter keep
     * every partition's turn far inside the idleness timeout.
     */
    static final int INPUT_FETCH_BYTES = 64 * 1024;

    // each sink's name, which its transactional ids carry: keep them stable across releases, as a job recognises the
    // transactions other processes of it left open by them
    private static final String MULTIPLIERS = "multipliers";
    private static final String ALERTS = "alerts";
    private static final String LATE_EVENTS = "late-events";
    private static final String DEAD_LETTERS = "dead-letters";
    private static final List<String> SINKS = List.of(MULTIPLIERS, ALERTS, LATE_EVENTS, DEAD_LETTERS);
    /**
     * This process's part of its transactional ids (on a Flink cluster, of the process that built the job). Kafka lets
     * whoever initialises a transactional id abort the transaction in progress under it, and Flink's sink initialises
     * ids as it reuses them; a process that was stopped and goes on, even for the moment before it learns that another
     * took its job over, must find none of its ids in use by that other one. Restoring, Flink's sink aborts what the
     * process that wrote the checkpoint left open, whatever its prefix.
     */
    private static final String PROCESS = HexFormat.of().toHexDigits(new SecureRandom().nextInt());

    private KafkaEndpoints() {}

    /** Both input topics in one source, so watermarks are tracked per partition across them. */
    public static KafkaSource<Ingested> inputs(KafkaJob job, InputValidation validation) {
        KafkaSourceBuilder<Ingested> builder = KafkaSource.<Ingested>builder()
                .setProperties(properties(job))
                .setTopics(job.topics().inputTopics())
                .setGroupId(job.name())
                .setClientIdPrefix(job.name() + "-inputs")
                .setStartingOffsets(new StartingOffsets())
                .setDeserializer(new InputDeserializer(job.registry(), job.topics(), validation))
                // inputs written by transactional producers count only once committed
                .setProperty("isolation.level", "read_committed")
                .setProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(INPUT_FETCH_BYTES));
        if (job.boundedInput()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /** The output schemas of the configured registry, registered or looked up as configured. */
    public static OutputSchemas outputSchemas(KafkaJob job) {
        return new OutputSchemas(
                new SchemaRegistryClient(job.registry()), job.output().autoRegisterSchemas());
    }

    /** The multipliers topic, in the wire format under {@code schemaId}. */
    public static KafkaSink<ZoneSurge> multipliers(KafkaJob job, int schemaId) {
        return sink(job, MULTIPLIERS, OutputSerializers.multipliers(job.topics().multipliers(), schemaId));
    }

    /** The alerts topic, in the wire format under {@code schemaId}. */
    public static KafkaSink<ZoneAlert> alerts(KafkaJob job, int schemaId) {
        return sink(job, ALERTS, OutputSerializers.alerts(job.topics().alerts(), schemaId));
    }

    /** The late input records, as they were consumed. */
    public static KafkaSink<DivertedRecord> lateEvents(KafkaJob job) {
        return diverted(job, LATE_EVENTS, job.topics().lateEvents());
    }

    /** The input records that could not be used, as they were consumed, with the reason. */
    public static KafkaSink<DivertedRecord> deadLetters(KafkaJob job) {
        return diverted(job, DEAD_LETTERS, job.topics().deadLetters());
    }

    private static KafkaSink<DivertedRecord> diverted(KafkaJob job, String name, String topic) {
        return sink(job, name, new DivertedRecordSerializer(topic, job.output().divertedMaxBytes()));
    }

    /**
     * The process that wrote under {@code transactionalId}, when it is one of this job's exactly-once sinks' ids:
     * {@code <job.name>-<sink>-<process>-<subtask>-<n>}. Another job's name may begin with this one's, so the sink's
     * name and the numbers must match too.
     */
    public static Optional<String> processOf(KafkaJob job, String transactionalId) {
        Matcher id = Pattern.compile(Pattern.quote(job.name()) + "-(?:"
                        + SINKS.stream().map(Pattern::quote).collect(Collectors.joining("|"))
                        + ")-([0-9a-f]{8})-\\d+-\\d+")
                .matcher(transactionalId);
        return id.matches() ? Optional.of(id.group(1)) : Optional.empty();
    }

    /** The process part of the transactional ids this process writes under. */
    public static String thisProcess() {
        return PROCESS;
    }

    static String transactionalIdPrefix(KafkaJob job, String sink) {
        return job.name() + "-" + sink + "-" + PROCESS;
    }

    /**
     * A sink with the configured delivery: exactly-once by default.
     *
     * @param name distinguishes this sink's transactional ids from the job's other sinks
     */
    private static <T> KafkaSink<T> sink(KafkaJob job, String name, KafkaRecordSerializationSchema<T> serializer) {
        KafkaSinkBuilder<T> builder =
                KafkaSink.<T>builder().setKafkaProducerConfig(properties(job)).setRecordSerializer(serializer);
        if (!job.output().exactlyOnce()) {
            return builder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE).build();
        }
        return builder.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix(job, name))
                // reuses a bounded pool of transactional ids instead of a new one per checkpoint
                .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
                // checked against the checkpoints at configuration (Checkpointing); the connector's default (1 h) is
                // above a default broker's transaction.max.timeout.ms
                .setProperty(
                        "transaction.timeout.ms",
                        String.valueOf(job.transactionTimeout().toMillis()))
                .build();
    }

    static Properties properties(KafkaJob job) {
        Properties properties = new Properties();
        properties.putAll(job.kafka().clientProperties());
        return properties;
    }
}
