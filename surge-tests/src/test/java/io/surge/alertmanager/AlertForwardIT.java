package io.surge.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.surge.alerts.ZoneAlert;
import io.surge.avro.AlertStatus;
import io.surge.avro.Severity;
import io.surge.avro.SurgeAlert;
import io.surge.io.kafka.AvroValueSerializer;
import io.surge.io.kafka.KafkaEndpoints;
import io.surge.io.kafka.OutputSerializers;
import io.surge.monitoring.ReverseProxy;
import io.surge.testing.stack.AlertmanagerServer;
import io.surge.testing.stack.KafkaClients;
import io.surge.testing.stack.SurgeProcess;
import io.surge.testing.stack.SurgeStack;
import io.surge.time.Waiting;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code surge alerts forward}, a process of its own, between the alerts topic of a real broker and registry and a
 * real Alertmanager running the shipped {@code deploy/alertmanager/alertmanager.yml}: episodes open as alerts with
 * their labels, the shipped inhibition holds a zone's {@code surge-spike} while {@code supply-collapse} fires there,
 * resolutions written while the forwarder lies killed (SIGKILL) reach Alertmanager once it is started again, and
 * what is written while the way to Alertmanager fails reaches it once it is back; a restarted Alertmanager gets the
 * open episodes again.
 */
class AlertForwardIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final long MINUTE = 60_000;

    @TempDir
    Path work;

    @Test
    void episodesOpenAndResolveInAlertmanagerThroughAKilledForwarder() throws Exception {
        long now = System.currentTimeMillis();
        ZoneAlert spike = firing("surge-spike", Severity.WARNING, "zone_1", now - 3 * MINUTE);
        ZoneAlert collapse = firing("supply-collapse", Severity.CRITICAL, "zone_1", now - 2 * MINUTE);
        ZoneAlert exodus = firing("driver-exodus", Severity.WARNING, "zone_2", now - MINUTE);
        try (SurgeStack stack = SurgeStack.start(Map.of("job.name", "forward"));
                AlertmanagerServer alertmanager = AlertmanagerServer.start(
                        Path.of("deploy/alertmanager/alertmanager.yml"), work.resolve("alertmanager"));
                Outage outage = new Outage(alertmanager.url());
                KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(stack.bootstrapServers())) {
            String topic = stack.config().topics().alerts();
            AvroValueSerializer<ZoneAlert, SurgeAlert> serializer = OutputSerializers.alerts(
                    topic,
                    KafkaEndpoints.outputSchemas(stack.config().kafkaJob())
                            .prepare(topic, SurgeAlert.getClassSchema()));
            serializer.open(null, null);
            // open before the forwarder first starts: it posts the open episodes at once
            producer.send(serializer.serialize(spike, null, null)).get();
            producer.send(serializer.serialize(collapse, null, null)).get();

            List<String> forward = List.of(
                    "forward",
                    "--alertmanager",
                    outage.url(),
                    "--bootstrap",
                    stack.bootstrapServers(),
                    "--registry",
                    stack.config().registry().url(),
                    "--dashboard",
                    "http://map.example:8090",
                    "--resend-every",
                    "2s");
            try (SurgeProcess first = SurgeProcess.start(work, "forward-1", "alerts", forward)) {
                first.awaitLine("2 open episode(s) posted again", PATIENCE);
                producer.send(serializer.serialize(exodus, null, null)).get();
                first.awaitLine("forwarding FIRING   driver-exodus", PATIENCE);

                Map<String, JsonNode> held = awaitAlerts(
                        alertmanager,
                        3,
                        all -> all.get("surge-spike")
                                .path("status")
                                .path("state")
                                .asText()
                                .equals("suppressed"));
                assertThat(held.keySet()).containsExactlyInAnyOrder("surge-spike", "supply-collapse", "driver-exodus");
                JsonNode labels = held.get("supply-collapse").path("labels");
                assertThat(List.of(
                                labels.path("zone").asText(),
                                labels.path("severity").asText(),
                                labels.path("rule_set_version").asText()))
                        .containsExactly("zone_1", "critical", "4");
                assertThat(held.get("supply-collapse")
                                .path("annotations")
                                .path("dashboard")
                                .asText())
                        .isEqualTo("http://map.example:8090/?zone=zone_1");
                assertThat(held.get("supply-collapse").path("startsAt").asText())
                        .isEqualTo(
                                Instant.ofEpochMilli(now - 2 * MINUTE - 10_000).toString());
                assertThat(held.get("driver-exodus")
                                .path("status")
                                .path("state")
                                .asText())
                        .isEqualTo("active");
                assertThat(held.get("surge-spike").path("status").path("inhibitedBy"))
                        .as("by the collapse")
                        .hasSize(1);

                first.kill();
            }
            // the collapse and the exodus end while no forwarder runs
            producer.send(serializer.serialize(resolved(collapse, now - 10_000), null, null))
                    .get();
            producer.send(serializer.serialize(resolved(exodus, now - 5_000), null, null))
                    .get();

            try (SurgeProcess second = SurgeProcess.start(work, "forward-2", "alerts", forward)) {
                second.awaitLine("forwarding RESOLVED supply-collapse", PATIENCE);
                Map<String, JsonNode> left = awaitAlerts(
                        alertmanager,
                        1,
                        all -> all.get("surge-spike")
                                .path("status")
                                .path("state")
                                .asText()
                                .equals("active"));
                assertThat(left.keySet())
                        .as("both resolutions reached Alertmanager")
                        .containsExactly("surge-spike");

                // the way to Alertmanager fails for a while: what is written meanwhile reaches it once it is back
                outage.down = true;
                ZoneAlert exodusElsewhere = firing("driver-exodus", Severity.WARNING, "zone_3", now);
                producer.send(serializer.serialize(resolved(spike, now - 2_000), null, null))
                        .get();
                producer.send(serializer.serialize(exodusElsewhere, null, null)).get();
                second.awaitLine("Alertmanager cannot take alerts now", PATIENCE);
                outage.down = false;
                Map<String, JsonNode> after = awaitAlerts(alertmanager, 1, all -> all.containsKey("driver-exodus"));
                assertThat(after.get("driver-exodus")
                                .path("labels")
                                .path("zone")
                                .asText())
                        .isEqualTo("zone_3");

                // Alertmanager restarted, having forgotten every alert: the open episode is posted again
                alertmanager.stop();
                alertmanager.startAgain();
                awaitAlerts(alertmanager, 1, all -> all.containsKey("driver-exodus"));
            }
        }
    }

    /** A proxy in front of Alertmanager that answers 503 while down, as one whose upstream is away does. */
    private static final class Outage extends ReverseProxy {
        volatile boolean down;

        Outage(String upstream) throws IOException {
            super(upstream, new InetSocketAddress("localhost", 0));
        }

        @Override
        protected boolean intercept(HttpExchange exchange) throws IOException {
            if (down) {
                respond(exchange, 503, "no upstream".getBytes(StandardCharsets.UTF_8));
            }
            return down;
        }
    }

    /** Waits until Alertmanager holds {@code count} alerts meeting {@code condition}; returns them by alertname. */
    private static Map<String, JsonNode> awaitAlerts(
            AlertmanagerServer alertmanager, int count, Predicate<Map<String, JsonNode>> condition) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, JsonNode>[] last = new Map[1];
        Waiting.until(
                () -> {
                    Map<String, JsonNode> byName = new TreeMap<>();
                    alertmanager
                            .alerts()
                            .forEach(alert -> byName.put(
                                    alert.path("labels").path("alertname").asText(), alert));
                    last[0] = byName;
                    return byName.size() == count && condition.test(byName);
                },
                PATIENCE,
                count + " alerts in Alertmanager");
        return last[0];
    }

    private static ZoneAlert firing(String rule, Severity severity, String zone, long matchEnd) {
        return ZoneAlert.firing(
                rule + "-" + zone,
                rule,
                severity,
                zone,
                matchEnd - 10_000,
                matchEnd,
                rule + " in " + zone,
                Map.of(),
                matchEnd + 1_000,
                4);
    }

    private static ZoneAlert resolved(ZoneAlert opening, long at) {
        return new ZoneAlert(
                opening.alertId() + "-resolved",
                opening.rule(),
                opening.severity(),
                opening.zoneId(),
                opening.firstEventTime(),
                opening.lastEventTime(),
                "resolved",
                opening.details(),
                at,
                opening.ruleSetVersion(),
                AlertStatus.RESOLVED,
                opening.episodeId(),
                at,
                1);
    }
}
