package io.surge;

import static io.surge.testing.Events.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.surge.config.SurgeConfig;
import io.surge.io.kafka.DivertedRecordSerializer;
import io.surge.testing.CityWorkload;
import io.surge.testing.JobMetrics;
import io.surge.testing.OtherTeams;
import io.surge.testing.SurgeOnMiniCluster;
import io.surge.testing.stack.KafkaClients;
import io.surge.testing.stack.SurgeStack;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input never stops the job nor goes missing. Every entry of the bad-input corpus ({@code surge-job/src/test/resources/bad-inputs/corpus.tsv}), mixed into good traffic,
 * ends in surge-dead-letters with its reason and source offset; the job keeps running, and its own metrics account
 * for every record: consumed = counted + late + dead-lettered.
 */
class BadInputITCase {

    private static final Path CORPUS = Path.of("surge-job/src/test/resources/bad-inputs");
    private static final JobMetrics METRICS = new JobMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberSlotsPerTaskManager(2)
            .setConfiguration(METRICS.configuration())
            .build());

    private record Entry(String file, String topic, String framing, String reason) {}

    @Test
    void everyBadInputIsDeadLetteredWithItsReasonAndTheJobKeepsCounting() throws Exception {
        try (SurgeStack stack = SurgeStack.start(Map.of("checkpoint.interval", "1s", "job.name", "corpus"))) {
            SurgeConfig config = stack.config();

            List<Entry> corpus = corpus();
            CityWorkload good = CityWorkload.generate(5L, 1000, at(0), 40, 4_000, 0.0, 0.0);
            Map<String, String> expected = new HashMap<>();
            long produced;
            try (KafkaProducer<byte[], byte[]> producer = producer(stack)) {
                List<Future<RecordMetadata>> bad = new ArrayList<>();
                int spacing = good.size() / corpus.size();
                for (int i = 0; i < good.size(); i++) {
                    Object input = good.inputs().get(i);
                    producer.send(new ProducerRecord<>(stack.topicOf(input), stack.wire(input)));
                    if (i % spacing == 0 && i / spacing < corpus.size()) {
                        Entry entry = corpus.get(i / spacing);
                        bad.add(producer.send(new ProducerRecord<>(entry.topic(), value(entry, stack))));
                    }
                }
                producer.flush();
                for (int i = 0; i < bad.size(); i++) {
                    RecordMetadata sent = bad.get(i).get();
                    expected.put(
                            sent.topic() + "/" + sent.partition() + "@" + sent.offset(),
                            corpus.get(i).reason());
                }
                produced = good.size() + bad.size();
            }
            assertThat(expected).hasSize(corpus.size());

            JobClient job = SurgeOnMiniCluster.start(config, at(900), 2, null);
            try (KafkaConsumer<byte[], byte[]> deadLetters =
                    KafkaClients.committedReader(stack.bootstrapServers(), "surge-dead-letters")) {
                List<ConsumerRecord<byte[], byte[]>> read = KafkaClients.records();
                KafkaClients.pollUntil(
                        deadLetters,
                        read,
                        records -> records.size() >= expected.size(),
                        Duration.ofSeconds(120),
                        expected.size() + " dead letters");
                KafkaClients.pollFor(deadLetters, read, Duration.ofSeconds(2));

                Map<String, String> actual = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : read) {
                    actual.put(
                            header(record, DivertedRecordSerializer.SOURCE_TOPIC) + "/"
                                    + header(record, DivertedRecordSerializer.SOURCE_PARTITION) + "@"
                                    + header(record, DivertedRecordSerializer.SOURCE_OFFSET),
                            header(record, DivertedRecordSerializer.REASON));
                }
                assertThat(actual).isEqualTo(expected);
                assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

                long consumed = produced;
                METRICS.awaitCounter(job.getJobID(), "eventsIn", consumed);
                assertThat(METRICS.counter(job.getJobID(), "eventsDeadLettered"))
                        .isEqualTo(corpus.size());
                assertThat(METRICS.accounted(job.getJobID(), consumed))
                        .as("consumed = counted + late + dead-lettered")
                        .isEqualTo(consumed);
            } finally {
                job.cancel().get();
            }
        }
    }

    /**
     * Valid wire-format records with random damage: bytes flipped, cut off or appended, the schema id changed, or put
     * behind the id of a schema of another team's (recursive, with an array of nulls, a plain string, JSON Schema).
     * Some still decode (as odd but valid records, or as late ones), most do not; none may stop the job or go missing.
     */
    @Test
    void randomlyDamagedRecordsNeverStopTheJobNorGoUnaccounted() throws Exception {
        try (SurgeStack stack = SurgeStack.start(Map.of("checkpoint.interval", "1s", "job.name", "fuzz"))) {
            SurgeConfig config = stack.config();
            Random random = new Random(20261125L);
            CityWorkload traffic = CityWorkload.generate(6L, 3000, at(0), 20, 4_000, 0.0, 0.0);
            String registry = config.registry().url();
            List<Integer> otherTeams = List.of(
                    OtherTeams.register(
                            registry,
                            "fuzz-recursive-value",
                            "AVRO",
                            Files.readString(CORPUS.resolve("ride-recursive.avsc"))),
                    OtherTeams.register(
                            registry,
                            "fuzz-nothings-value",
                            "AVRO",
                            Files.readString(CORPUS.resolve("ride-with-nothings.avsc"))),
                    OtherTeams.register(registry, "fuzz-string-value", "AVRO", "\"string\""),
                    OtherTeams.register(
                            registry,
                            "fuzz-json-value",
                            "JSON",
                            "{\"type\": \"object\", \"properties\": {\"lat\": {\"type\": \"number\"}}}"));
            try (KafkaProducer<byte[], byte[]> producer = producer(stack)) {
                for (Object input : traffic.inputs()) {
                    byte[] value = stack.wire(input);
                    producer.send(new ProducerRecord<>(
                            stack.topicOf(input), random.nextBoolean() ? damage(value, random, otherTeams) : value));
                }
            }

            JobClient job = SurgeOnMiniCluster.start(config, at(900), 2, null);
            try {
                METRICS.awaitCounter(job.getJobID(), "eventsIn", traffic.size());
                assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
                assertThat(METRICS.counter(job.getJobID(), "eventsDeadLettered"))
                        .as("most damage is caught")
                        .isPositive();
                assertThat(METRICS.accounted(job.getJobID(), traffic.size()))
                        .as("consumed = counted + late + dead-lettered")
                        .isEqualTo(traffic.size());
            } finally {
                job.cancel().get();
            }
        }
    }

    private static byte[] damage(byte[] value, Random random, List<Integer> otherTeams) {
        byte[] damaged = value.clone();
        switch (random.nextInt(5)) {
            case 0 -> {
                for (int i = 0; i < 1 + random.nextInt(3); i++) {
                    damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
                }
            }
            case 1 -> damaged = Arrays.copyOf(value, random.nextInt(value.length));
            case 2 -> {
                damaged = Arrays.copyOf(value, value.length + 1 + random.nextInt(16));
                for (int i = value.length; i < damaged.length; i++) {
                    damaged[i] = (byte) random.nextInt(256);
                }
            }
            case 3 -> damaged[1 + random.nextInt(4)] = (byte) random.nextInt(256);
            default -> ByteBuffer.wrap(damaged).putInt(1, otherTeams.get(random.nextInt(otherTeams.size())));
        }
        return damaged;
    }

    private static List<Entry> corpus() throws Exception {
        List<Entry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(CORPUS.resolve("corpus.tsv"))) {
            if (!line.startsWith("#") && !line.isBlank()) {
                String[] fields = line.split("\t");
                entries.add(new Entry(fields[0], fields[1], fields[2], fields[3]));
            }
        }
        return entries;
    }

    private static byte[] value(Entry entry, SurgeStack stack) throws Exception {
        byte[] file = Files.readAllBytes(CORPUS.resolve(entry.file()));
        if (entry.framing().equals("raw")) {
            return file;
        }
        String registry = stack.config().registry().url();
        int id = switch (entry.framing().replaceAll("=.*", "")) {
            case "unknown-id" -> 999_999;
            case "writer" ->
                OtherTeams.register(
                        registry,
                        "other-team-" + entry.file() + "-value",
                        "AVRO",
                        Files.readString(CORPUS.resolve(entry.framing().substring("writer=".length()))));
            case "json-schema" ->
                OtherTeams.register(
                        registry,
                        "other-team-json-value",
                        "JSON",
                        "{\"type\": \"object\", \"properties\": {\"lat\": {\"type\": \"number\"}}}");
            case "protobuf-schema" ->
                OtherTeams.register(
                        registry,
                        "other-team-proto-value",
                        "PROTOBUF",
                        "syntax = \"proto3\"; message Ride { double lat = 1; }");
            default -> stack.schemaIdOf(entry.topic());
        };
        byte magic = (byte) (entry.framing().equals("bad-magic") ? 1 : 0);
        return ByteBuffer.allocate(5 + file.length)
                .put(magic)
                .putInt(id)
                .put(file)
                .array();
    }

    private static KafkaProducer<byte[], byte[]> producer(SurgeStack stack) {
        return new KafkaProducer<>(Map.of(
                "bootstrap.servers",
                stack.bootstrapServers(),
                "max.request.size",
                "2000000",
                "key.serializer",
                ByteArraySerializer.class,
                "value.serializer",
                ByteArraySerializer.class));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
