package io.surge;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.avro.RideRequest;
import io.surge.config.SurgeConfig;
import io.surge.io.kafka.DivertedRecordSerializer;
import io.surge.testing.Inputs;
import io.surge.testing.JobMetrics;
import io.surge.testing.OtherTeams;
import io.surge.testing.SurgeOnMiniCluster;
import io.surge.testing.SurgeResults;
import io.surge.testing.stack.ClosedWorkload;
import io.surge.testing.stack.KafkaClients;
import io.surge.testing.stack.SurgeStack;
import io.surge.zone.Area;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Producers of other teams write, beside valid traffic, records surge never expected: values framed with the id of a
 * JSON Schema or Protobuf schema (Confluent's other serializers use the same framing), of a non-record Avro schema,
 * of random ids; a compatible recursive evolution of RideRequest nested 20,000 levels deep; an array claiming two
 * billion items that take no bytes; a 3 MB value; a valid ride stamped 50 minutes ahead of the clock; and one input
 * partition gets nothing but such records for the whole run; then 50,000 rides sprayed over the whole Earth, outside
 * zones.bounds. The job must never restart, dead-letter each with its reason, account for every record, let the
 * garbage-only partition go idle, and compute every (zone, window) as the oracle does.
 */
@Tag("slow")
class HostileInputITCase {

    private static final JobMetrics METRICS = new JobMetrics();
    private static final int PARTITIONS = 4;
    /** The ride-requests partition past the workload's: it gets hostile records only. */
    private static final int GARBAGE_PARTITION = PARTITIONS;

    private static final int EVENTS = 20_000;
    /** The workload's city, with a zone's margin, as zones.bounds. */
    private static final String SERVICE_AREA = "40.69,-74.03,40.75,-73.97";
    /** Where the workload's closing ticks are. */
    private static final String TICKS = "0.4,0.4,0.6,0.6";

    private static final int ANYWHERE = 50_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberSlotsPerTaskManager(2)
            .setConfiguration(METRICS.configuration())
            .build());

    private record Hostile(String name, byte[] value, String reason) {}

    @Test
    void hostileRecordsBesideValidTrafficAreDeadLetteredAndTheJobNeverRestarts() throws Exception {
        try (SurgeStack stack = SurgeStack.start(Map.of(
                "checkpoint.interval",
                "1s",
                "job.name",
                "hostile",
                "topics.partitions",
                String.valueOf(PARTITIONS + 1),
                "watermark.idleness",
                "3s",
                "zones.bounds",
                SERVICE_AREA + ";" + TICKS))) {
            SurgeConfig config = stack.config();
            String rides = config.topics().rideRequests();
            allowLargeRecords(stack, rides);
            ClosedWorkload workload = ClosedWorkload.generate(41L, EVENTS, PARTITIONS);
            List<Hostile> hostile = hostileRecords(stack, workload.now());

            JobClient job = SurgeOnMiniCluster.start(config, workload.now(), 2, null);
            Map<String, String> expected = new ConcurrentHashMap<>();
            List<String> truncated = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = producer(stack);
                    KafkaConsumer<byte[], byte[]> multipliers = KafkaClients.committedReader(
                            stack.bootstrapServers(), config.topics().multipliers())) {
                CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> {
                    try {
                        workload.sendAtRate(producer, stack, 0, workload.size(), 2_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                // each hostile record once to the garbage-only partition and once among the valid traffic, while
                // it flows; the garbage-only partition keeps getting them
                Random random = new Random(5);
                long produced = 0;
                while (!traffic.isDone() || produced < 2L * hostile.size()) {
                    Hostile record = hostile.get((int) (produced % hostile.size()));
                    int partition = produced % 2 == 0 ? GARBAGE_PARTITION : random.nextInt(PARTITIONS);
                    RecordMetadata sent =
                            KafkaClients.send(producer, new ProducerRecord<>(rides, partition, null, record.value()));
                    expected.put(sent.topic() + "/" + sent.partition() + "@" + sent.offset(), record.reason());
                    if (record.value().length > config.output().divertedMaxBytes()) {
                        truncated.add(sent.topic() + "/" + sent.partition() + "@" + sent.offset());
                    }
                    produced++;
                    Thread.sleep(50); // pacing the hostile producer, not waiting for the job
                }
                traffic.get(2, TimeUnit.MINUTES);
                // a producer spraying rides over the whole Earth, outside the service area
                Random world = new Random(11);
                List<Area> served = Area.parseAll(SERVICE_AREA + ";" + TICKS);
                for (int sprayed = 0; sprayed < ANYWHERE; ) {
                    double lat = -90 + world.nextDouble() * 180;
                    double lon = -180 + world.nextDouble() * 360;
                    if (served.stream().anyMatch(area -> area.contains(lat, lon))) {
                        continue;
                    }
                    RideRequest ride = Inputs.rideRequest("sprayed-" + sprayed, lat, lon, workload.eventTimeAt(0));
                    producer.send(
                            new ProducerRecord<>(rides, sprayed % PARTITIONS, null, stack.wire(ride)),
                            (sent, error) -> {
                                if (sent != null) {
                                    expected.put(
                                            sent.topic() + "/" + sent.partition() + "@" + sent.offset(), "out-of-area");
                                }
                            });
                    sprayed++;
                    produced++;
                }
                producer.flush();
                workload.close(producer, stack);

                List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();
                workload.readResults(multipliers, results, Duration.ofSeconds(120), Duration.ofSeconds(2));
                assertThat(results.stream().map(ClosedWorkload::decodeSurge).map(SurgeResults::withoutComputedAt))
                        .as("every (zone, window_end) exactly once, equal to the oracle, the garbage-only partition"
                                + " idle")
                        .containsExactlyInAnyOrderElementsOf(workload.expected().stream()
                                .map(SurgeResults::withoutComputedAt)
                                .toList());

                Map<String, String> deadLettered = new HashMap<>();
                List<String> bounded = new ArrayList<>();
                try (KafkaConsumer<byte[], byte[]> deadLetters = KafkaClients.committedReader(
                        stack.bootstrapServers(), config.topics().deadLetters())) {
                    List<ConsumerRecord<byte[], byte[]>> read = KafkaClients.records();
                    KafkaClients.pollUntil(
                            deadLetters,
                            read,
                            records -> records.size() >= expected.size(),
                            Duration.ofSeconds(120),
                            expected.size() + " dead letters");
                    KafkaClients.pollFor(deadLetters, read, Duration.ofSeconds(2));
                    for (ConsumerRecord<byte[], byte[]> record : read) {
                        String where = header(record, DivertedRecordSerializer.SOURCE_TOPIC) + "/"
                                + header(record, DivertedRecordSerializer.SOURCE_PARTITION) + "@"
                                + header(record, DivertedRecordSerializer.SOURCE_OFFSET);
                        assertThat(deadLettered.put(where, header(record, DivertedRecordSerializer.REASON)))
                                .as("dead-lettered once: " + where)
                                .isNull();
                        if (record.headers().lastHeader(DivertedRecordSerializer.TRUNCATED) != null) {
                            bounded.add(where);
                        }
                    }
                }
                assertThat(deadLettered)
                        .as("every hostile record, with its reason")
                        .isEqualTo(expected);
                assertThat(bounded)
                        .as("the values larger than surge's outputs take, as bounded copies")
                        .containsExactlyInAnyOrderElementsOf(truncated);
                // the workload, its closing ticks (a ride and a driver status per partition), the hostile records
                long consumed = workload.size() + 2L * PARTITIONS + produced;
                assertThat(METRICS.accounted(job.getJobID(), consumed))
                        .as("consumed = counted + late + dead-lettered")
                        .isEqualTo(consumed);
                assertThat(METRICS.restarts(job.getJobID()))
                        .as("the job never restarted")
                        .isZero();
            } finally {
                job.cancel().get();
            }
        }
    }

    /**
     * One of each kind of record that surge never expected, framed as Confluent's serializers frame them.
     *
     * @param now the job's processing clock
     */
    private static List<Hostile> hostileRecords(SurgeStack stack, long now) throws Exception {
        String registry = stack.config().registry().url();
        int json = OtherTeams.register(
                registry,
                "other-team-json-value",
                "JSON",
                "{\"type\": \"object\", \"properties\": {\"lat\": {\"type\": \"number\"}}}");
        int protobuf = OtherTeams.register(
                registry,
                "other-team-proto-value",
                "PROTOBUF",
                "syntax = \"proto3\"; message Ride { double lat = 1; }");
        int string = OtherTeams.register(registry, "other-team-string-value", "AVRO", "\"string\"");
        int recursive =
                OtherTeams.register(registry, "ride-requests-value", "AVRO", OtherTeams.RECURSIVE_RIDE.toString());
        int nothings =
                OtherTeams.register(registry, "ride-requests-value", "AVRO", OtherTeams.RIDE_WITH_NOTHINGS.toString());
        RideRequest ride = Inputs.rideRequest("hostile", 40.71, -74.01, io.surge.testing.Events.at(10));
        List<Hostile> records = new ArrayList<>(List.of(
                new Hostile(
                        "JSON Schema",
                        OtherTeams.framed(json, "{\"lat\": 40.7}".getBytes(StandardCharsets.UTF_8)),
                        "unsupported-schema"),
                new Hostile(
                        "Protobuf",
                        OtherTeams.framed(
                                protobuf, new byte[] {0, 9, 0x51, 0x5a, 0x64, 0x3b, (byte) 0xdf, 0x4f, 0x4d, 0x40}),
                        "unsupported-schema"),
                new Hostile(
                        "an Avro string",
                        OtherTeams.framed(string, new byte[] {6, 'a', 'b', 'c'}),
                        "unsupported-schema"),
                new Hostile(
                        "20,000 levels deep",
                        OtherTeams.framed(recursive, OtherTeams.nestedRide(ride, 20_000)),
                        "undecodable"),
                new Hostile(
                        "two billion nothings",
                        OtherTeams.framed(nothings, OtherTeams.twoBillionNothings(ride)),
                        "undecodable"),
                // not the wire format at all, and larger than surge's outputs take
                new Hostile("3 MB of bytes", big(), "undecodable"),
                // a valid ride from a producer whose clock runs 50 minutes fast: were it counted, it would take the
                // watermark of every partition it reaches 50 minutes on, and the city's next 50 minutes with it
                new Hostile(
                        "a fast clock",
                        stack.wire(Inputs.rideRequest(
                                "fast-clock",
                                40.71,
                                -74.01,
                                now + Duration.ofMinutes(50).toMillis())),
                        "future-event-time")));
        Random random = new Random(9);
        for (int i = 0; i < 20; i++) {
            records.add(new Hostile(
                    "a random id",
                    OtherTeams.framed(1_000_000 + random.nextInt(1_000_000), new byte[] {2, 'x'}),
                    "unknown-schema"));
        }
        return records;
    }

    private static byte[] big() {
        byte[] value = new byte[3 * 1024 * 1024];
        value[0] = 0x7e; // a magic byte that is not the wire format's
        return value;
    }

    private static void allowLargeRecords(SurgeStack stack, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(
                            new ConfigResource(ConfigResource.Type.TOPIC, topic),
                            List.of(new AlterConfigOp(
                                    new ConfigEntry("max.message.bytes", "8388608"), AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(SurgeStack stack) {
        return new KafkaProducer<>(Map.of(
                "bootstrap.servers",
                stack.bootstrapServers(),
                "max.request.size",
                "8388608",
                "linger.ms",
                "5",
                "key.serializer",
                ByteArraySerializer.class,
                "value.serializer",
                ByteArraySerializer.class));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
