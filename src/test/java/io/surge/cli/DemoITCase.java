package io.surge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.avro.SurgeAlert;
import io.surge.embedded.EmbeddedRegistry;
import io.surge.testing.KafkaClients;
import io.surge.testing.WireRecords;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code surge demo} as a newcomer runs it: within its first minute a plain read_committed consumer sees surge
 * multipliers and the alerts of the scripted incidents, and when it ends nothing is left running.
 */
@Tag("slow")
class DemoITCase {

    private static final Pattern BOOTSTRAP = Pattern.compile("bootstrap=(\\S+)");
    private static final Pattern UI = Pattern.compile("Flink web UI: (http://\\S+)");

    @Test
    void theDemoShowsMultipliersAndAlertsAndStopsCleanly() throws Exception {
        StringWriter out = new StringWriter();
        CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> SurgeCli.commandLine(new SurgeCli())
                .setOut(new PrintWriter(out, true))
                .execute("demo", "--duration", "75s", "--rate", "300"));
        String bootstrap = awaitLine(out, BOOTSTRAP, demo);
        assertThat(awaitLine(out, UI, demo)).startsWith("http://localhost:");

        try (KafkaConsumer<byte[], byte[]> multipliers = KafkaClients.committedReader(bootstrap, "surge-multipliers");
                KafkaConsumer<byte[], byte[]> alerts = KafkaClients.committedReader(bootstrap, "surge-alerts")) {
            List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();
            KafkaClients.pollUntil(multipliers, results, read -> read.size() >= 100, Duration.ofSeconds(70),
                    "surge multipliers");
            List<ConsumerRecord<byte[], byte[]>> raised = KafkaClients.records();
            KafkaClients.pollUntil(alerts, raised, read -> read.stream()
                    .map(record -> WireRecords.<SurgeAlert>decode(
                            record.value(), SurgeAlert.getClassSchema(), SurgeAlert.getClassSchema()))
                    .anyMatch(alert -> alert.getRule().equals("driver-exodus")
                            && alert.getZoneId().equals("zone_4070_-7396")),
                    Duration.ofSeconds(70), "the driver-exodus alert of the Williamsburg outage");
        }

        assertThat(demo.get()).isZero();
        assertThat(out.toString()).contains("hottest zones").contains("latest alerts").contains("surge demo: stopping");
        assertThat(ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(EmbeddedRegistry.DEFAULT_JAR.toString())))
                .as("no registry left running").isEmpty();
    }

    private static String awaitLine(StringWriter out, Pattern pattern, CompletableFuture<Integer> demo)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher matcher = pattern.matcher(out.toString());
            if (matcher.find()) {
                return matcher.group(1);
            }
            if (demo.isDone()) {
                throw new AssertionError("the demo ended before printing " + pattern + ":\n" + out);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the demo did not print " + pattern + " within 120 s:\n" + out);
    }
}
