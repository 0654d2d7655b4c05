package io.surge;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.avro.AlertStatus;
import io.surge.avro.SurgeAlert;
import io.surge.config.SurgeConfig;
import io.surge.embedded.ChildProcess;
import io.surge.pricing.ZoneSurge;
import io.surge.testing.ClosedWorkload;
import io.surge.testing.KafkaClients;
import io.surge.testing.RuleVersions;
import io.surge.testing.SurgeProcess;
import io.surge.testing.SurgeStack;
import io.surge.testing.WireRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer examples of {@code examples/}, run as their users run them against a real {@code surge run}: each
 * prints the latest price of every zone, which must be the oracle's for the workload, and the open alert episodes,
 * which must be those the alerts topic holds.
 */
class ConsumerExamplesIT {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @TempDir
    Path work;

    @Test
    void thePythonConsumerKeepsTheLatestPricePerZoneAndTheOpenEpisodes() throws Exception {
        assertThat(PYTHON).as("Debian's python3 with python3-confluent-kafka and python3-avro (.ci/run installs"
                + " them)").isExecutable();
        try (SurgeStack stack = SurgeStack.start(Map.of("job.name", "examples"))) {
            SurgeConfig config = stack.config();
            ClosedWorkload workload = ClosedWorkload.generate(7L, 9_000, config.topics().partitions());
            // driver-exodus's episodes resolve within the workload's 3 minutes of event time, the others' stay open
            Path rules = RuleVersions.shippedWith(work.resolve("rules"), Map.of("driver-exodus", "3s"));
            Set<String> open;
            try (SurgeProcess run = SurgeProcess.run(work, "run", List.of(
                            "--bootstrap", stack.bootstrapServers(), "--registry", config.registry().url(),
                            "--set", "job.name=examples", "--set", "state.dir=" + work.resolve("state"),
                            "--set", "checkpoint.interval=1s", "--set", "alerts.dir=" + rules.toAbsolutePath(),
                            "--rest-port", "0"));
                    KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(stack.bootstrapServers());
                    KafkaConsumer<byte[], byte[]> multipliers =
                            KafkaClients.committedReader(stack.bootstrapServers(), config.topics().multipliers());
                    KafkaConsumer<byte[], byte[]> alerts =
                            KafkaClients.committedReader(stack.bootstrapServers(), config.topics().alerts())) {
                workload.sendAtRate(producer, stack, 0, workload.size(), 3_000);
                workload.close(producer, stack);
                List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();
                KafkaClients.pollUntil(multipliers, results, read -> read.size() >= workload.expected().size(),
                        PATIENCE, "every result");
                List<ConsumerRecord<byte[], byte[]>> written = KafkaClients.records();
                KafkaClients.pollFor(alerts, written, Duration.ofSeconds(3));
                open = openEpisodes(written);
                assertThat(open).as("episodes open at the end").isNotEmpty();
                assertThat(written.stream().filter(record -> alert(record).getStatus() == AlertStatus.RESOLVED))
                        .as("episodes resolved").isNotEmpty();
            }

            Map<String, String> prices = new HashMap<>();
            for (ZoneSurge result : workload.expected()) {
                prices.merge(result.zoneId(), line(result),
                        (a, b) -> Long.parseLong(a.split(" ")[2]) >= Long.parseLong(b.split(" ")[2]) ? a : b);
            }
            List<String> printed = python("examples/python/surge_consumer.py", stack);
            assertThat(printed.stream().filter(line -> line.startsWith("price ")).toList())
                    .as("the latest price of every zone")
                    .containsExactlyInAnyOrderElementsOf(prices.values());
            assertThat(printed.stream().filter(line -> line.startsWith("open ")).map(line -> line.split(" ")[1]))
                    .as("the open episodes").containsExactlyInAnyOrderElementsOf(open);
        }
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

    private List<String> python(String script, SurgeStack stack) throws Exception {
        Path log = work.resolve("python.log");
        try (ChildProcess consumer = ChildProcess.start("python consumer", List.of(PYTHON.toString(), script,
                "--bootstrap", stack.bootstrapServers(), "--registry", stack.config().registry().url(),
                "--idle-exit", "10"), log, Path.of("").toAbsolutePath())) {
            OptionalInt exit = consumer.awaitExit(PATIENCE);
            assertThat(exit).as("the consumer's exit; it printed:%n%s", Files.readString(log)).hasValue(0);
        }
        return Files.readAllLines(log);
    }
}
