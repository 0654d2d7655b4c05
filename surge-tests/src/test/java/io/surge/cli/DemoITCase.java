package io.surge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.alertmanager.AlertForwarder;
import io.surge.alertmanager.AlertmanagerClient;
import io.surge.avro.SurgeAlert;
import io.surge.config.SurgeConfig;
import io.surge.embedded.EmbeddedRegistry;
import io.surge.io.kafka.KafkaReaders;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.io.serde.TopicDecoders;
import io.surge.testing.WireRecords;
import io.surge.testing.stack.AlertmanagerServer;
import io.surge.testing.stack.ClosedWorkload;
import io.surge.testing.stack.HeadlessChromium;
import io.surge.testing.stack.KafkaClients;
import io.surge.testing.stack.Listeners;
import io.surge.testing.stack.Monitoring;
import io.surge.testing.stack.PrometheusServer;
import io.surge.time.Waiting;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code surge demo} as a newcomer runs it: within its first minute a plain read_committed consumer sees surge
 * multipliers and the alerts of the scripted incidents, its live map in a real browser shows the same, and stopped as
 * Ctrl-C stops it, it exits cleanly and leaves nothing running. The browser part needs Debian's chromium and
 * chromium-driver (.ci/run installs them).
 */
@Tag("slow")
class DemoITCase {

    private static final Pattern BOOTSTRAP = Pattern.compile("bootstrap=(\\S+)");
    private static final Pattern UI = Pattern.compile("Flink web UI: (http://\\S+)");
    private static final Pattern DASHBOARD = Pattern.compile("dashboard: (http://\\S+)");
    private static final Pattern REGISTRY = Pattern.compile("registry=(http://\\S+)");
    private static final Pattern METRICS = Pattern.compile("metrics: (http://\\S+)");
    private static final Pattern TOOLTIP =
            Pattern.compile("(\\S+) · demand (\\d+) · supply (\\d+) · ([\\d.]+)x \\(raw ([\\d.]+)x\\)"
                    + " · window \\S+–(\\d\\d:\\d\\d:\\d\\d)");

    private static final String COUNTED_EARLIER =
            "sum(flink_taskmanager_job_task_operator_surge_eventsCounted offset 3s)";

    @TempDir
    Path work;

    @Test
    void theDemoShowsMultipliersAndAlertsAndStopsCleanly() throws Exception {
        StringWriter out = new StringWriter();
        // without --duration, as a user runs it: until Ctrl-C, whose hook interrupts the thread running the demo
        FutureTask<Integer> demo = new FutureTask<>(() -> SurgeCli.commandLine(new SurgeCli())
                .setOut(new PrintWriter(out, true))
                .execute("demo", "--rate", "300", "--dashboard-port", "0", "--metrics-port", "0"));
        Thread running = new Thread(demo, "surge demo");
        running.start();
        try {
            checkTheRunningDemo(out, demo);
        } finally {
            running.interrupt();
            running.join(Duration.ofSeconds(60).toMillis());
        }
        assertThat(demo.get(1, TimeUnit.SECONDS))
                .as("the demo's exit after Ctrl-C")
                .isZero();
        assertThat(out.toString())
                .contains("hottest zones")
                .contains("latest alerts")
                .contains("surge demo: stopping");
        assertThat(ProcessHandle.allProcesses()
                        .filter(p ->
                                p.info().commandLine().orElse("").contains(EmbeddedRegistry.DEFAULT_JAR.toString())))
                .as("no registry left running")
                .isEmpty();
    }

    private void checkTheRunningDemo(StringWriter out, Future<Integer> demo) throws Exception {
        String bootstrap = awaitLine(out, BOOTSTRAP, demo);
        String ui = awaitLine(out, UI, demo);
        assertThat(ui).startsWith("http://localhost:");
        // every listener the demo opens is for this machine only
        Listeners.assertLoopbackOnly("the Flink web UI", URI.create(ui).getPort());
        Listeners.assertLoopbackOnly("Kafka", Integer.parseInt(bootstrap.replaceAll(".*:", "")));
        Listeners.assertLoopbackOnly(
                "the registry", URI.create(awaitLine(out, REGISTRY, demo)).getPort());
        Listeners.assertLoopbackOnly(
                "the dashboard", URI.create(awaitLine(out, DASHBOARD, demo)).getPort());
        Listeners.assertLoopbackOnly(
                "the metrics endpoint",
                URI.create(awaitLine(out, METRICS, demo)).getPort());

        try (KafkaConsumer<byte[], byte[]> multipliers = KafkaClients.committedReader(bootstrap, "surge-multipliers");
                KafkaConsumer<byte[], byte[]> alerts = KafkaClients.committedReader(bootstrap, "surge-alerts")) {
            List<ConsumerRecord<byte[], byte[]>> results = KafkaClients.records();
            KafkaClients.pollUntil(
                    multipliers, results, read -> read.size() >= 100, Duration.ofSeconds(70), "surge multipliers");
            List<ConsumerRecord<byte[], byte[]>> raised = KafkaClients.records();
            KafkaClients.pollUntil(
                    alerts,
                    raised,
                    read -> read.stream()
                            .map(record -> WireRecords.<SurgeAlert>decode(
                                    record.value(), SurgeAlert.getClassSchema(), SurgeAlert.getClassSchema()))
                            .map(alert -> alert.getRule() + " in " + alert.getZoneId())
                            .toList()
                            .containsAll(List.of("surge-spike in zone_4075_-7400", "driver-exodus in zone_4070_-7396")),
                    Duration.ofSeconds(70),
                    "the surge-spike alert of the concert at Madison Square Garden and the"
                            + " driver-exodus alert of the Williamsburg outage");
            checkTheDashboard(awaitLine(out, DASHBOARD, demo), multipliers, results, alerts, raised);
            checkTheMetrics(URI.create(awaitLine(out, METRICS, demo)), work.resolve("prometheus"));
            checkAlertmanager(bootstrap, awaitLine(out, REGISTRY, demo), work.resolve("alertmanager"));
        }
    }

    /**
     * A real Alertmanager (Debian's package, which .ci/run installs) on the shipped configuration, fed by the forwarder
     * of {@code surge alerts forward}: the demo's two incidents are active alerts there, with their labels.
     */
    private static void checkAlertmanager(String bootstrap, String registry, Path work) throws Exception {
        SurgeConfig config =
                SurgeConfig.fromOptions(Map.of("kafka.bootstrap", bootstrap, "registry.url", registry), "test");
        AtomicBoolean running = new AtomicBoolean(true);
        try (AlertmanagerServer alertmanager =
                        AlertmanagerServer.start(Path.of("deploy/alertmanager/alertmanager.yml"), work);
                KafkaConsumer<byte[], byte[]> consumer =
                        KafkaReaders.create(config.kafka(), "demo-forwarder", KafkaReaders.Isolation.COMMITTED, true)) {
            AlertForwarder forwarder = new AlertForwarder(
                    consumer,
                    config.topics().alerts(),
                    new TopicDecoders(config.topics(), new SchemaRegistryClient(config.registry())::schemaById),
                    new AlertmanagerClient(alertmanager.url()),
                    "http://map",
                    Duration.ofSeconds(5),
                    new PrintWriter(new StringWriter()));
            CompletableFuture<Void> forwarding = CompletableFuture.runAsync(() -> {
                try {
                    forwarder.run(running::get);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            List<String> expected = List.of(
                    "surge-spike zone_4075_-7400 warning 0 active", "driver-exodus zone_4070_-7396 warning 0 active");
            @SuppressWarnings("unchecked")
            List<String>[] held = new List[1];
            Waiting.until(
                    () -> {
                        List<String> now = new ArrayList<>();
                        alertmanager
                                .alerts()
                                .forEach(alert -> now.add(String.join(
                                        " ",
                                        alert.path("labels").path("alertname").asText(),
                                        alert.path("labels").path("zone").asText(),
                                        alert.path("labels").path("severity").asText(),
                                        alert.path("labels")
                                                .path("rule_set_version")
                                                .asText(),
                                        alert.path("status").path("state").asText())));
                        held[0] = now;
                        return now.containsAll(expected) || forwarding.isDone();
                    },
                    Duration.ofSeconds(30),
                    "the demo's incidents in Alertmanager");
            assertThat(held[0]).as("the alerts Alertmanager holds").containsAll(expected);
            running.set(false);
            forwarding.get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A real Prometheus (Debian's package, which .ci/run installs) scrapes the demo's metrics endpoint: every metric the
     * Grafana dashboard and the alerting rules query must be there, every panel's query must return data, and the
     * figures must make sense for a demo that has been running a minute with its incidents.
     */
    private static void checkTheMetrics(URI metrics, Path work) throws Exception {
        try (PrometheusServer prometheus =
                PrometheusServer.scraping(metrics.getHost() + ":" + metrics.getPort(), work)) {
            Waiting.until(
                    () -> prometheus.value("sum(flink_taskmanager_job_task_operator_surge_eventsIn)") > 0
                            && !prometheus
                                    .query("rate(flink_taskmanager_job_task_operator_surge_eventsIn[5s])")
                                    .isEmpty()
                            && !prometheus.query(COUNTED_EARLIER).isEmpty(),
                    Duration.ofSeconds(60),
                    "Prometheus to have scraped the demo for a few seconds");
            for (String metric : Monitoring.metricsQueried()) {
                assertThat(prometheus.query(metric))
                        .as("metric " + metric + " in Prometheus")
                        .isNotEmpty();
            }
            for (String query : Monitoring.dashboardQueries()) {
                assertThat(prometheus.query(query))
                        .as("the dashboard's query " + query)
                        .isNotEmpty();
            }
            assertThat(prometheus.value("max(flink_taskmanager_job_task_operator_surge_maxMultiplier)"))
                    .isBetween(1.0, 5.0);
            assertThat(prometheus.value("max(flink_jobmanager_job_numRestarts)"))
                    .isZero();
            assertThat(prometheus.value("sum(flink_taskmanager_job_task_operator_surge_rule_alertsRaised)"))
                    .as("alerts raised by the scripted incidents")
                    .isPositive();
            assertThat(prometheus.value("time() * 1000 - max(flink_jobmanager_job_lastCheckpointCompletedTimestamp)"))
                    .as("ms since the last checkpoint")
                    .isBetween(0.0, 30_000.0);
            assertThat(prometheus.value("max(flink_taskmanager_job_task_operator_surge_commitLatency)"))
                    .as("ms a result waits for its checkpoint")
                    .isBetween(1.0, 30_000.0);
            // One query, so both sides are of one evaluation; the counted side a few scrapes older, because the two
            // counters are read one after the other while events flow from one to the other.
            assertThat(prometheus.value("sum(flink_taskmanager_job_task_operator_surge_eventsIn) - " + COUNTED_EARLIER))
                    .as("events in now, less those counted 3 s before: none counted that did not come in")
                    .isGreaterThanOrEqualTo(0.0);
            // the alerting rules hold nothing against a healthy demo
            assertThat(prometheus.value("absent(flink_jobmanager_job_uptime)")).isNaN();
        }
    }

    /**
     * Opens the live map in headless Chromium and checks what it shows against the topics: zones drawn and active,
     * input flowing, every alert in the feed one that surge-alerts holds, and the hovered zone's figures those of a
     * result in surge-multipliers. Leaves a screenshot in surge-tests/target/dashboard.png.
     */
    private static void checkTheDashboard(
            String url,
            KafkaConsumer<byte[], byte[]> multipliers,
            List<ConsumerRecord<byte[], byte[]>> results,
            KafkaConsumer<byte[], byte[]> alerts,
            List<ConsumerRecord<byte[], byte[]>> raised)
            throws Exception {
        ChromeDriver browser = HeadlessChromium.start();
        try {
            browser.get(url);
            new WebDriverWait(browser, Duration.ofSeconds(60))
                    .until(page ->
                            number(page.findElement(By.id("zones-active")).getText()) > 0
                                    && number(page.findElement(By.id("events-per-second"))
                                                    .getText())
                                            > 0
                                    && !page.findElements(By.cssSelector("#alerts li"))
                                            .isEmpty());

            // read in one go: the page redraws its feed as alerts arrive
            @SuppressWarnings("unchecked")
            List<Map<String, String>> feed = (List<Map<String, String>>)
                    browser.executeScript("return [...document.querySelectorAll('#alerts li')]"
                            + ".map(item => ({id: item.dataset.alertId, zone: item.dataset.zone}));");
            List<String> shownAlerts = feed.stream().map(item -> item.get("id")).toList();
            KafkaClients.pollUntil(
                    alerts,
                    raised,
                    read -> read.stream().map(ClosedWorkload::alertId).toList().containsAll(shownAlerts),
                    Duration.ofSeconds(30),
                    "the alerts the page shows, in surge-alerts");
            assertThat(browser.findElement(By.id("max-multiplier")).getText()).matches("[1-5]\\.\\d\\dx");

            String zone = feed.get(0).get("zone");
            @SuppressWarnings("unchecked")
            Map<String, Number> pixel =
                    (Map<String, Number>) browser.executeScript("return window.surgeMap.pixelOf(arguments[0]);", zone);
            assertThat(pixel).as("the alert's zone " + zone + " is on the map").isNotNull();
            new Actions(browser)
                    .moveToLocation(pixel.get("x").intValue(), pixel.get("y").intValue())
                    .perform();
            WebElement tooltip = browser.findElement(By.id("tooltip"));
            new WebDriverWait(browser, Duration.ofSeconds(10)).until(page -> tooltip.isDisplayed());
            Matcher shown = TOOLTIP.matcher(tooltip.getText());
            assertThat(shown.find()).as("hover text: " + tooltip.getText()).isTrue();
            assertThat(shown.group(1)).isEqualTo(zone);
            KafkaClients.pollUntil(
                    multipliers,
                    results,
                    read -> read.stream()
                            .map(ClosedWorkload::decodeSurge)
                            .anyMatch(result -> result.zoneId().equals(zone)
                                    && result.demand() == Long.parseLong(shown.group(2))
                                    && result.supply() == Long.parseLong(shown.group(3))
                                    && String.format("%.2f", result.multiplier())
                                            .equals(shown.group(4))
                                    && String.format("%.2f", result.rawMultiplier())
                                            .equals(shown.group(5))
                                    && Instant.ofEpochMilli(result.windowEnd())
                                            .toString()
                                            .substring(11, 19)
                                            .equals(shown.group(6))),
                    Duration.ofSeconds(30),
                    "a result in surge-multipliers as the page shows it: " + shown.group());

            Files.copy(
                    browser.getScreenshotAs(OutputType.FILE).toPath(),
                    Path.of("surge-tests", "target", "dashboard.png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } finally {
            browser.quit();
        }
    }

    private static long number(String shown) {
        String digits = shown.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? 0 : Long.parseLong(digits);
    }

    private static String awaitLine(StringWriter out, Pattern pattern, Future<Integer> demo)
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
