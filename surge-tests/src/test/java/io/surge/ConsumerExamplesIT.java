package io.surge;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.avro.AlertStatus;
import io.surge.avro.SurgeAlert;
import io.surge.avro.SurgeMultiplier;
import io.surge.config.SurgeConfig;
import io.surge.embedded.ChildProcess;
import io.surge.pricing.ZoneSurge;
import io.surge.testing.RuleVersions;
import io.surge.testing.WireRecords;
import io.surge.testing.stack.ClosedWorkload;
import io.surge.testing.stack.KafkaClients;
import io.surge.testing.stack.SurgeProcess;
import io.surge.testing.stack.SurgeStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer examples of {@code examples/}, run as their users run them against a real {@code surge run}: each
 * prints the latest price of every zone, which must be the oracle's for the workload, and the open alert episodes,
 * which must be those the alerts topic holds.
 */
class ConsumerExamplesIT {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path NODE_MODULES = Path.of("examples/node/node_modules/@confluentinc");
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    /** Enough that consumers' fetches end inside the aborted transactions, as in a long-running topic. */
    private static final int ABORTED_ROUNDS = 3_000;

    @TempDir
    Path work;

    @Test
    void eachConsumerKeepsTheLatestPricePerZoneAndTheOpenEpisodes() throws Exception {
        assertThat(PYTHON)
                .as("Debian's python3 with python3-confluent-kafka and python3-avro (.ci/run installs" + " them)")
                .isExecutable();
        assertThat(NODE_MODULES)
                .as("the Node example's packages: (cd examples/node && CKJS_LINKING=dynamic npm ci),"
                        + " as .ci/run does")
                .isDirectory();
        try (SurgeStack stack = SurgeStack.start(Map.of("job.name", "examples"))) {
            SurgeConfig config = stack.config();
            ClosedWorkload workload =
                    ClosedWorkload.generate(7L, 9_000, config.topics().partitions());
            // driver-exodus's episodes resolve within the workload's 3 minutes of event time, the others' stay open
            Path rules = RuleVersions.shippedWith(work.resolve("rules"), Map.of("driver-exodus", "3s"));
            Set<String> open;
            try (SurgeProcess run = SurgeProcess.run(
                            work,
                            "run",
                            stack.runArguments(
                                    "examples",
                                    work.resolve("state"),
                                    "checkpoint.interval=1s",
                                    "alerts.dir=" + rules.toAbsolutePath()));
                    KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(stack.bootstrapServers());
                    KafkaConsumer<byte[], byte[]> multipliers = KafkaClients.committedReader(
                            stack.bootstrapServers(), config.topics().multipliers());
                    KafkaConsumer<byte[], byte[]> alerts = KafkaClients.committedReader(
                            stack.bootstrapServers(), config.topics().alerts())) {
                workload.sendAtRate(producer, stack, 0, workload.size(), 3_000);
                workload.close(producer, stack);
                List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();
                KafkaClients.pollUntil(
                        multipliers,
                        results,
                        read -> read.size() >= workload.expected().size(),
                        PATIENCE,
                        "every result");
                List<ConsumerRecord<byte[], byte[]>> written = KafkaClients.records();
                KafkaClients.pollFor(alerts, written, Duration.ofSeconds(3));
                open = openEpisodes(written);
                assertThat(open).as("episodes open at the end").isNotEmpty();
                assertThat(written.stream().filter(record -> alert(record).getStatus() == AlertStatus.RESOLVED))
                        .as("episodes resolved")
                        .isNotEmpty();
                List<ConsumerRecord<byte[], byte[]>> outputs = new ArrayList<>(results);
                outputs.addAll(written);
                abortInterleavedTransactions(
                        stack.bootstrapServers(), outputs, config.topics().multipliers());
            }

            Map<String, String> prices = new HashMap<>();
            for (ZoneSurge result : workload.expected()) {
                prices.merge(
                        result.zoneId(),
                        line(result),
                        (a, b) -> Long.parseLong(a.split(" ")[2]) >= Long.parseLong(b.split(" ")[2]) ? a : b);
            }
            for (List<String> command : List.of(
                    List.of(PYTHON.toString(), "examples/python/surge_consumer.py"),
                    List.of("node", "examples/node/surge_consumer.mjs"))) {
                List<String> printed = consume(command, stack);
                assertThat(printed.stream()
                                .filter(line -> line.startsWith("price "))
                                .toList())
                        .as("the latest price of every zone, as %s keeps it", command.get(1))
                        .containsExactlyInAnyOrderElementsOf(prices.values());
                assertThat(printed.stream()
                                .filter(line -> line.startsWith("open "))
                                .map(line -> line.split(" ")[1]))
                        .as("the open episodes, as %s keeps them", command.get(1))
                        .containsExactlyInAnyOrderElementsOf(open);
            }
        }
    }

    /**
     * Writes into every partition of both outputs records that no window and no episode had, in transactions that
     * interleave and are all aborted, as a restarted exactly-once job leaves them: a consumer that prints them did
     * not filter every aborted transaction (kafkajs 2.2.4 with readUncommitted false, in place of the Node example's
     * client, printed aborted prices for 3 of 4 partitions).
     */
    private static void abortInterleavedTransactions(
            String bootstrap, List<ConsumerRecord<byte[], byte[]>> outputs, String multipliersTopic) throws Exception {
        Map<TopicPartition, ConsumerRecord<byte[], byte[]>> lastOfEach = new HashMap<>();
        outputs.forEach(record -> lastOfEach.put(new TopicPartition(record.topic(), record.partition()), record));
        List<KafkaProducer<byte[], byte[]>> producers = new ArrayList<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                producers.add(KafkaClients.transactionalProducer(bootstrap, "aborted-" + i, Duration.ofMinutes(1)));
                producers.get(i).initTransactions();
                producers.get(i).beginTransaction();
            }
            for (ConsumerRecord<byte[], byte[]> last : lastOfEach.values()) {
                ProducerRecord<byte[], byte[]> aborted = new ProducerRecord<>(
                        last.topic(),
                        last.partition(),
                        last.key(),
                        neverCommitted(last.value(), last.topic().equals(multipliersTopic)));
                for (int round = 0; round < ABORTED_ROUNDS; round++) {
                    producers.forEach(producer -> sent.add(producer.send(aborted)));
                }
            }
            for (Future<RecordMetadata> record : sent) {
                record.get(); // written, to be aborted
            }
            producers.forEach(KafkaProducer::abortTransaction);
        } finally {
            producers.forEach(KafkaProducer::close);
        }
    }

    /** A later price of the record's zone, or a new episode in it: what an aborted transaction would show. */
    private static byte[] neverCommitted(byte[] value, boolean multiplier) {
        Schema schema = multiplier ? SurgeMultiplier.getClassSchema() : SurgeAlert.getClassSchema();
        GenericRecord record = WireRecords.decodeGeneric(value, schema, schema);
        if (multiplier) {
            record.put(
                    "window_end",
                    (Long) record.get("window_end") + Duration.ofHours(1).toMillis());
            record.put("multiplier", 4.99);
        } else {
            String id = "aborted-" + record.get("alert_id");
            record.put("alert_id", id);
            record.put("episode_id", id);
            record.put("status", new GenericData.EnumSymbol(AlertStatus.getClassSchema(), "FIRING"));
        }
        return WireRecords.encode(WireRecords.schemaId(value), schema, record);
    }

    private static String line(ZoneSurge result) {
        return String.format(Locale.ROOT, "price %s %d %.2f", result.zoneId(), result.windowEnd(), result.multiplier());
    }

    /** The episodes a FIRING record opened and no RESOLVED record ended, written out plainly. */
    private static Set<String> openEpisodes(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> open = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            SurgeAlert alert = alert(record);
            if (alert.getStatus() == AlertStatus.FIRING) {
                open.add(alert.getEpisodeId());
            } else {
                open.remove(alert.getEpisodeId());
            }
        }
        return open;
    }

    private static SurgeAlert alert(ConsumerRecord<byte[], byte[]> record) {
        return WireRecords.decode(record.value(), SurgeAlert.getClassSchema(), SurgeAlert.getClassSchema());
    }

    private List<String> consume(List<String> command, SurgeStack stack) throws Exception {
        Path log = work.resolve(Path.of(command.get(1)).getFileName() + ".log");
        List<String> withArguments = new ArrayList<>(command);
        withArguments.addAll(List.of(
                "--bootstrap",
                stack.bootstrapServers(),
                "--registry",
                stack.config().registry().url(),
                "--idle-exit",
                "10"));
        try (ChildProcess consumer = ChildProcess.start(
                command.get(1), withArguments, log, Path.of("").toAbsolutePath())) {
            OptionalInt exit = consumer.awaitExit(PATIENCE);
            assertThat(exit)
                    .as("the exit of %s; it printed:%n%s", command.get(1), Files.readString(log))
                    .hasValue(0);
        }
        return Files.readAllLines(log);
    }
}
