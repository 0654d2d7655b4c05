package io.surge;

import static io.surge.testing.Events.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surge.avro.AlertStatus;
import io.surge.avro.DriverStatus;
import io.surge.avro.RideRequest;
import io.surge.avro.SurgeAlert;
import io.surge.avro.SurgeMultiplier;
import io.surge.config.FlinkSettings;
import io.surge.config.SurgeConfig;
import io.surge.embedded.EmbeddedKafka;
import io.surge.embedded.EmbeddedRegistry;
import io.surge.embedded.FreePort;
import io.surge.event.Reason;
import io.surge.io.kafka.DivertedRecordSerializer;
import io.surge.io.kafka.TopicSetup;
import io.surge.io.registry.RegistryException;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.pricing.ZoneSurge;
import io.surge.testing.CityWorkload;
import io.surge.testing.Inputs;
import io.surge.testing.PriceOracle;
import io.surge.testing.SurgeOnMiniCluster;
import io.surge.testing.SurgeOracle;
import io.surge.testing.WireRecords;
import io.surge.testing.stack.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The surge job end to end on a real KRaft broker, a real registry (Apicurio, Confluent API) and a Flink MiniCluster at
 * parallelism 2 with exactly-once sinks, read back by a read_committed consumer and checked against the oracle.
 */
class KafkaSurgeITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    // Also the processing clock of input validation: after every valid event time, and more than the skew bound
    // before the far-future records of the workload's fast clocks.
    private static final long COMPUTED_AT = at(900);
    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(120);
    private static final String EXODUS_ZONE = "zone_4080_-7396";
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aRegistryThatIsDownAtStartStopsTheJobWithAClearMessage() throws Exception {
        int closedPort = FreePort.pick();
        SurgeConfig config = config(
                "http://127.0.0.1:" + closedPort + "/apis/ccompat/v7",
                "down-at-start",
                Map.of("registry.retry-for", "2s"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSettings.of(config));

        assertThatThrownBy(() -> SurgeJob.buildOnKafka(env, config, () -> COMPUTED_AT))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("Schema Registry at http://127.0.0.1:" + closedPort)
                .hasMessageContaining("cannot be reached")
                .hasMessageContaining("gave up after retrying for 2 s");
    }

    @Test
    void resultsAreExactAcrossSchemaEvolutionPoisonPillsAndARegistryOutage() throws Exception {
        EmbeddedRegistry registry = EmbeddedRegistry.start(EmbeddedRegistry.DEFAULT_JAR, 0);
        try {
            runEndToEnd(registry);
        } finally {
            registry.close();
        }
    }

    private void runEndToEnd(EmbeddedRegistry registry) throws Exception {
        SurgeConfig config = config(registry.url(), "e2e", Map.of());
        TopicSetup.ensureTopics(config.kafkaJob());
        SchemaRegistryClient client = new SchemaRegistryClient(config.registry());
        Schema rideV2 = rideRequestWithChannel();
        InputIds ids = new InputIds(
                client.register("ride-requests-value", RideRequest.getClassSchema()),
                client.register("ride-requests-value", rideV2),
                client.register("driver-status-value", DriverStatus.getClassSchema()));

        // as the build before published prices left the subject: its schema registered, the subject guarded
        Schema previous = new Schema.Parser()
                .parse(Path.of("schemas/history/SurgeMultiplier.v1.avsc").toFile());
        int previousId = client.register("surge-multipliers-value", previous);
        client.setCompatibility("surge-multipliers-value", "FULL_TRANSITIVE");
        // and the alerts' subject as the build before episodes left it, with one alert it wrote
        Schema previousAlert = new Schema.Parser()
                .parse(Path.of("schemas/history/SurgeAlert.v2.avsc").toFile());
        int previousAlertId = client.register("surge-alerts-value", previousAlert);
        client.setCompatibility("surge-alerts-value", "FULL_TRANSITIVE");
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
            producer.send(new ProducerRecord<>(
                            "surge-alerts",
                            "zone-old".getBytes(StandardCharsets.UTF_8),
                            WireRecords.encode(previousAlertId, previousAlert, alertBeforeEpisodes(previousAlert))))
                    .get();
        }

        CityWorkload workload = CityWorkload.generate(777L, 3000, at(0), 40, 4_500, 0.0, 0.03);
        List<SurgeOracle.Observation> observations = new ArrayList<>(workload.validInArrivalOrder());
        Set<String> expectedDeadLetters = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
            produceWorkload(producer, workload, ids, rideV2, expectedDeadLetters);
            producePoisonPills(producer, ids, expectedDeadLetters);
            produceDriverExodus(producer, ids, observations);
            produceTicks(producer, ids, at(300), observations, config.topics().partitions());
        }

        JobClient job = SurgeOnMiniCluster.start(config, COMPUTED_AT, 2, null);
        try (KafkaConsumer<byte[], byte[]> multipliers =
                        KafkaClients.committedReader(kafka.bootstrapServers(), "surge-multipliers");
                KafkaConsumer<byte[], byte[]> deadLetters =
                        KafkaClients.committedReader(kafka.bootstrapServers(), "surge-dead-letters")) {
            List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();

            List<ZoneSurge> expected = expectedUpTo(observations, at(300));
            assertThat(expected).as("the workload exercises many windows").hasSizeGreaterThan(300);
            KafkaClients.pollUntil(
                    multipliers,
                    results,
                    read -> read.size() >= expected.size(),
                    RESULT_TIMEOUT,
                    expected.size() + " surge multipliers");
            assertThat(decode(results, client)).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(results)
                    .extracting(record -> WireRecords.schemaId(record.value()))
                    .doesNotContain(previousId);
            for (ConsumerRecord<byte[], byte[]> record : results) {
                // a consumer still on the previous schema reads each record, the published price as its multiplier
                GenericRecord old = WireRecords.decodeGeneric(
                        record.value(), client.schemaById(WireRecords.schemaId(record.value())), previous);
                ZoneSurge current = WireRecords.surge(record.value(), SurgeMultiplier.getClassSchema());
                assertThat(List.of(
                                old.get("zone_id").toString(),
                                old.get("window_end"),
                                old.get("demand"),
                                old.get("supply"),
                                old.get("multiplier")))
                        .isEqualTo(List.of(
                                current.zoneId(),
                                current.windowEnd(),
                                current.demand(),
                                current.supply(),
                                current.multiplier()));
            }

            List<ConsumerRecord<byte[], byte[]>> dead = KafkaClients.records();
            KafkaClients.pollUntil(
                    deadLetters,
                    dead,
                    read -> read.size() >= expectedDeadLetters.size(),
                    RESULT_TIMEOUT,
                    expectedDeadLetters.size() + " dead letters");
            assertThat(dead.stream().map(KafkaSurgeITCase::describeDeadLetter).toList())
                    .containsExactlyInAnyOrderElementsOf(expectedDeadLetters);

            try (KafkaConsumer<byte[], byte[]> alertReader =
                    KafkaClients.committedReader(kafka.bootstrapServers(), "surge-alerts")) {
                List<ConsumerRecord<byte[], byte[]>> alerts = KafkaClients.records();
                KafkaClients.pollUntil(
                        alertReader,
                        alerts,
                        read -> decodeAlerts(read, client).stream()
                                .anyMatch(alert -> alert.getZoneId().equals(EXODUS_ZONE)),
                        RESULT_TIMEOUT,
                        "the driver-exodus alert");
                KafkaClients.pollFor(alertReader, alerts, Duration.ofSeconds(2));
                List<SurgeAlert> decoded = decodeAlerts(alerts, client);
                // the alert written before episodes, read on the new schema: one match, firing, of no episode
                assertThat(decoded)
                        .filteredOn(alert -> alert.getZoneId().equals("zone-old"))
                        .singleElement()
                        .satisfies(alert -> {
                            assertThat(alert.getStatus()).isEqualTo(AlertStatus.FIRING);
                            assertThat(alert.getEpisodeId()).isNull();
                            assertThat(alert.getResolvedAt()).isNull();
                            assertThat(alert.getEpisodeMatches()).isEqualTo(1);
                            assertThat(alert.getRuleSetVersion()).isEqualTo(3);
                        });
                for (ConsumerRecord<byte[], byte[]> record : alerts) {
                    // a consumer still on the schema before episodes reads each record the job wrote
                    if (WireRecords.schemaId(record.value()) != previousAlertId) {
                        GenericRecord old = WireRecords.decodeGeneric(
                                record.value(), client.schemaById(WireRecords.schemaId(record.value())), previousAlert);
                        SurgeAlert current =
                                decodeAlerts(List.of(record), client).get(0);
                        assertThat(List.of(
                                        old.get("alert_id").toString(),
                                        old.get("rule").toString(),
                                        old.get("zone_id").toString(),
                                        old.get("summary").toString()))
                                .isEqualTo(List.of(
                                        current.getAlertId(),
                                        current.getRule(),
                                        current.getZoneId(),
                                        current.getSummary()));
                    }
                }
                assertThat(decoded)
                        .filteredOn(alert ->
                                alert.getZoneId().equals(EXODUS_ZONE) && alert.getStatus() == AlertStatus.FIRING)
                        .singleElement()
                        .satisfies(alert -> {
                            assertThat(alert.getRule()).isEqualTo("driver-exodus");
                            assertThat(alert.getFirstEventTime().toEpochMilli()).isEqualTo(at(200));
                            // raised as soon as the fifth driver leaves, not after the sixth
                            assertThat(alert.getSummary())
                                    .isEqualTo("5 drivers went unavailable in " + EXODUS_ZONE + " within 4 s");
                        });
                assertThat(decoded)
                        .extracting(SurgeAlert::getAlertId)
                        .as("each alert exactly once")
                        .doesNotHaveDuplicates();
            }

            assertThat(client.compatibility("surge-multipliers-value")).contains("FULL_TRANSITIVE");
            assertThatThrownBy(() -> client.register("surge-multipliers-value", multiplierWithoutDemand()))
                    .isInstanceOf(RegistryException.class)
                    .satisfies(e ->
                            assertThat(((RegistryException) e).httpStatus()).isEqualTo(409));

            // The job has cached every schema id it needs: it keeps going without the registry.
            registry.close();
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
                CityWorkload later = CityWorkload.generate(778L, 1000, at(360), 40, 4_500, 0.0, 0.0);
                for (Object input : later.inputs()) {
                    send(producer, input, ids, null, false);
                }
                observations.addAll(later.validInArrivalOrder());
                produceTicks(
                        producer, ids, at(500), observations, config.topics().partitions());
            }
            List<ZoneSurge> expectedAfterOutage = expectedUpTo(observations, at(500));
            KafkaClients.pollUntil(
                    multipliers,
                    results,
                    read -> read.size() >= expectedAfterOutage.size(),
                    RESULT_TIMEOUT,
                    expectedAfterOutage.size() + " surge multipliers after the registry outage");
            KafkaClients.pollFor(multipliers, results, Duration.ofSeconds(3));
            assertThat(decode(results, null))
                    .as("each (zone, window_end) exactly once, equal to the oracle")
                    .containsExactlyInAnyOrderElementsOf(expectedAfterOutage);
        } finally {
            job.cancel().get();
        }
    }

    private record InputIds(int rideV1, int rideV2, int driver) {}

    private static SurgeConfig config(String registryUrl, String jobName, Map<String, String> more) {
        Map<String, String> options = new HashMap<>(Map.of(
                "kafka.bootstrap",
                kafka.bootstrapServers(),
                "registry.url",
                registryUrl,
                "checkpoint.interval",
                "1s",
                "job.name",
                jobName));
        options.putAll(more);
        return SurgeConfig.fromOptions(options, "test");
    }

    private static void produceWorkload(
            KafkaProducer<byte[], byte[]> producer,
            CityWorkload workload,
            InputIds ids,
            Schema rideV2,
            Set<String> expectedDeadLetters)
            throws Exception {
        Map<Future<RecordMetadata>, Reason> diverted = new LinkedHashMap<>();
        List<Object> inputs = workload.inputs();
        for (int i = 0; i < inputs.size(); i++) {
            Future<RecordMetadata> sent = send(producer, inputs.get(i), ids, rideV2, i % 2 == 0);
            Reason reason = workload.divertedOffsets().get((long) i);
            if (reason != null) {
                diverted.put(sent, reason);
            }
        }
        producer.flush();
        for (Map.Entry<Future<RecordMetadata>, Reason> sent : diverted.entrySet()) {
            expectedDeadLetters.add(
                    describe(sent.getKey().get(), sent.getValue().wireName()));
        }
    }

    /** Rides alternate between the v1 schema and a v2 with an extra field, as a producer mid-upgrade would send. */
    private static Future<RecordMetadata> send(
            KafkaProducer<byte[], byte[]> producer, Object input, InputIds ids, Schema rideV2, boolean useV2) {
        if (input instanceof RideRequest ride) {
            byte[] value = useV2
                    ? WireRecords.encode(ids.rideV2(), rideV2, withChannel(ride, rideV2))
                    : WireRecords.encode(ids.rideV1(), RideRequest.getClassSchema(), ride);
            return producer.send(new ProducerRecord<>("ride-requests", utf8(ride.getRequestId()), value));
        }
        DriverStatus status = (DriverStatus) input;
        byte[] value = WireRecords.encode(ids.driver(), DriverStatus.getClassSchema(), status);
        return producer.send(new ProducerRecord<>("driver-status", utf8(status.getDriverId()), value));
    }

    private static void producePoisonPills(
            KafkaProducer<byte[], byte[]> producer, InputIds ids, Set<String> expectedDeadLetters) {
        byte[] valid = WireRecords.encode(
                ids.rideV1(), RideRequest.getClassSchema(), Inputs.rideRequest("p1", 40.71, -74.0, at(10)));
        byte[] truncated = java.util.Arrays.copyOf(valid, 9);
        byte[] unknownId = valid.clone();
        unknownId[4] = 0x7f;
        Map<byte[], String> pills = Map.of(
                utf8("not avro at all"),
                "undecodable",
                truncated,
                "undecodable",
                unknownId,
                "unknown-schema",
                new byte[0],
                "undecodable");
        pills.forEach((value, reason) -> expectedDeadLetters.add(describe(
                KafkaClients.send(producer, new ProducerRecord<>("ride-requests", utf8("pill"), value)), reason)));
    }

    /** Six drivers log off in one zone within 5 s, away from the workload's zones: a driver-exodus incident. */
    private static void produceDriverExodus(
            KafkaProducer<byte[], byte[]> producer, InputIds ids, List<SurgeOracle.Observation> observations) {
        for (int i = 0; i < 6; i++) {
            DriverStatus status = Inputs.driverStatus("exodus-" + i, 40.805, -73.955, false, at(200 + i));
            producer.send(new ProducerRecord<>(
                    "driver-status",
                    utf8(status.getDriverId()),
                    WireRecords.encode(ids.driver(), DriverStatus.getClassSchema(), status)));
            observations.add(new SurgeOracle.Observation(-1, EXODUS_ZONE, at(200 + i), status.getDriverId(), false));
        }
        producer.flush();
    }

    /**
     * One record per input partition, far from the workload's zones, so that every partition's watermark passes
     * {@code eventTime} minus the bound and the windows before it close.
     */
    private static void produceTicks(
            KafkaProducer<byte[], byte[]> producer,
            InputIds ids,
            long eventTime,
            List<SurgeOracle.Observation> observations,
            int partitions) {
        for (int partition = 0; partition < partitions; partition++) {
            RideRequest ride = Inputs.rideRequest("tick-" + eventTime + "-" + partition, 0.5, 0.5, eventTime);
            KafkaClients.send(
                    producer,
                    new ProducerRecord<>(
                            "ride-requests",
                            partition,
                            null,
                            null,
                            WireRecords.encode(ids.rideV1(), RideRequest.getClassSchema(), ride)));
            DriverStatus status = Inputs.driverStatus("tick-driver", 0.5, 0.5, false, eventTime);
            KafkaClients.send(
                    producer,
                    new ProducerRecord<>(
                            "driver-status",
                            partition,
                            null,
                            null,
                            WireRecords.encode(ids.driver(), DriverStatus.getClassSchema(), status)));
            observations.add(new SurgeOracle.Observation(-1, "zone_50_50", eventTime, null, false));
            observations.add(new SurgeOracle.Observation(-1, "zone_50_50", eventTime, "tick-driver", false));
        }
    }

    /** Every window the oracle computes that the watermark after ticks at {@code tickTime} has closed. */
    private static List<ZoneSurge> expectedUpTo(List<SurgeOracle.Observation> observations, long tickTime) {
        long watermark = tickTime - 5_000 - 1;
        List<ZoneSurge> counted = new SurgeOracle(30_000, 5_000, 5_000)
                .replay(observations, COMPUTED_AT)
                .results();
        return PriceOracle.defaults().publish(counted).stream()
                .filter(result -> result.windowEnd() - 1 <= watermark)
                .toList();
    }

    private static List<ZoneSurge> decode(List<ConsumerRecord<byte[], byte[]>> records, SchemaRegistryClient client) {
        Map<Integer, Schema> writers = new HashMap<>();
        List<ZoneSurge> results = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            int id = WireRecords.schemaId(record.value());
            Schema writer =
                    client == null ? SurgeMultiplier.getClassSchema() : writers.computeIfAbsent(id, client::schemaById);
            ZoneSurge result = WireRecords.surge(record.value(), writer);
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(result.zoneId());
            results.add(result);
        }
        return results;
    }

    /** An alert as the build before episodes wrote it, with its own schema. */
    private static GenericRecord alertBeforeEpisodes(Schema schema) {
        GenericRecord alert = new GenericData.Record(schema);
        alert.put("alert_id", "surge-spike-0123456789abcdef01234567");
        alert.put("rule", "surge-spike");
        alert.put(
                "severity",
                new GenericData.EnumSymbol(schema.getField("severity").schema(), "WARNING"));
        alert.put("zone_id", "zone-old");
        alert.put("first_event_time", at(0));
        alert.put("last_event_time", at(10));
        alert.put("summary", "Surge in zone-old jumped from 1x to 2x in 10 s");
        alert.put("details", Map.of());
        alert.put("detected_at", at(11));
        alert.put("rule_set_version", 3L);
        return alert;
    }

    private static List<SurgeAlert> decodeAlerts(
            List<ConsumerRecord<byte[], byte[]>> records, SchemaRegistryClient client) {
        return records.stream()
                .map(record -> WireRecords.<SurgeAlert>decode(
                        record.value(),
                        client.schemaById(WireRecords.schemaId(record.value())),
                        SurgeAlert.getClassSchema()))
                .toList();
    }

    private static String describe(RecordMetadata metadata, String reason) {
        return metadata.topic() + "/" + metadata.partition() + "@" + metadata.offset() + " " + reason;
    }

    private static String describeDeadLetter(ConsumerRecord<byte[], byte[]> record) {
        return header(record, DivertedRecordSerializer.SOURCE_TOPIC) + "/"
                + header(record, DivertedRecordSerializer.SOURCE_PARTITION) + "@"
                + header(record, DivertedRecordSerializer.SOURCE_OFFSET) + " "
                + header(record, DivertedRecordSerializer.REASON);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header " + name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Schema rideRequestWithChannel() {
        Schema v1 = RideRequest.getClassSchema();
        SchemaBuilder.FieldAssembler<Schema> fields =
                SchemaBuilder.record(v1.getName()).namespace(v1.getNamespace()).fields();
        for (Schema.Field field : v1.getFields()) {
            fields = fields.name(field.name()).type(field.schema()).noDefault();
        }
        return fields.name("channel").type().stringType().stringDefault("app").endRecord();
    }

    private static GenericRecord withChannel(RideRequest ride, Schema rideV2) {
        GenericRecord record = new GenericData.Record(rideV2);
        for (Schema.Field field : RideRequest.getClassSchema().getFields()) {
            Object value = ride.get(field.pos());
            record.put(field.name(), value instanceof java.time.Instant instant ? instant.toEpochMilli() : value);
        }
        record.put("channel", "web");
        return record;
    }

    private static Schema multiplierWithoutDemand() {
        Schema current = SurgeMultiplier.getClassSchema();
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record(current.getName())
                .namespace(current.getNamespace())
                .fields();
        for (Schema.Field field : current.getFields()) {
            if (!field.name().equals("demand")) {
                fields = fields.name(field.name()).type(field.schema()).noDefault();
            }
        }
        return fields.endRecord();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
