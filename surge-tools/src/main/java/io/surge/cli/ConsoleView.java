package io.surge.cli;

import io.surge.alerts.OpenEpisodes;
import io.surge.avro.SurgeAlert;
import io.surge.avro.SurgeMultiplier;
import io.surge.config.SurgeConfig;
import io.surge.dashboard.OutputsReader;
import io.surge.io.kafka.OutputSerializers;
import io.surge.monitoring.FlinkRest;
import io.surge.monitoring.FlinkRestException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The live console of {@code surge demo}, redrawn every second from what a consumer of the output topics sees
 * (read_committed, like any user of surge) and from the Flink REST API: hottest zones, latest alerts, events/s in and
 * out, how far results lag behind the city clock, and the last checkpoint.
 */
final class ConsoleView implements AutoCloseable {

    private static final String CLEAR = "\033[H\033[2J";

    private final PrintWriter out;
    private final FlinkRest flink;
    private final String jobId;
    private final String dashboardUrl;
    private final Path log;
    private final LongSupplier eventsSent;
    private final OutputsReader outputs;

    private final Map<String, SurgeMultiplier> latestByZone = new HashMap<>();
    private final Deque<SurgeAlert> latestAlerts = new ArrayDeque<>();
    private final OpenEpisodes episodes = new OpenEpisodes();
    private final Deque<Long> sentHistory = new ArrayDeque<>();
    private final Deque<Long> resultsHistory = new ArrayDeque<>();
    private long resultsSeen;
    private long alertsSeen;
    private long lastWindowEnd;

    /**
     * @param flinkUrl the web UI of the Flink that runs the job
     * @param log where the demo's log goes, named at the bottom of the screen
     */
    ConsoleView(
            SurgeConfig config,
            PrintWriter out,
            String flinkUrl,
            String jobId,
            String dashboardUrl,
            Path log,
            LongSupplier eventsSent) {
        this.out = out;
        // the console redraws every second: a slow answer shows as unknown rather than holding it up
        this.flink = new FlinkRest(flinkUrl, Duration.ofSeconds(1));
        this.jobId = jobId;
        this.dashboardUrl = dashboardUrl;
        this.log = log;
        this.eventsSent = eventsSent;
        this.outputs = new OutputsReader(config.kafkaJob(), "surge-demo-console");
    }

    /**
     * Reads for about a second, then redraws. Rates are averaged over the last five seconds: results arrive in bursts,
     * one per checkpoint.
     */
    void refresh() {
        long until = System.currentTimeMillis() + 1000;
        while (System.currentTimeMillis() < until) {
            outputs.poll(Duration.ofMillis(200), this::take, this::take);
        }
        sentHistory.addLast(eventsSent.getAsLong());
        resultsHistory.addLast(resultsSeen);
        if (sentHistory.size() > 6) {
            sentHistory.removeFirst();
            resultsHistory.removeFirst();
        }
        long seconds = Math.max(1, sentHistory.size() - 1);
        draw(
                (sentHistory.getLast() - sentHistory.getFirst()) / seconds,
                (resultsHistory.getLast() - resultsHistory.getFirst()) / seconds);
    }

    long resultsSeen() {
        return resultsSeen;
    }

    long alertsSeen() {
        return alertsSeen;
    }

    private void take(SurgeMultiplier surge) {
        latestByZone.merge(
                surge.getZoneId(),
                surge,
                (old, young) -> young.getWindowEnd().isAfter(old.getWindowEnd()) ? young : old);
        lastWindowEnd = Math.max(lastWindowEnd, surge.getWindowEnd().toEpochMilli());
        resultsSeen++;
    }

    private void take(SurgeAlert alert) {
        episodes.take(alert);
        latestAlerts.addFirst(alert);
        while (latestAlerts.size() > 6) {
            latestAlerts.removeLast();
        }
        alertsSeen++;
    }

    private void draw(long eventsPerSecond, long resultsPerSecond) {
        StringBuilder screen = new StringBuilder(CLEAR);
        screen.append(String.format(
                "surge demo  %s   in %,d events/s   out %,d results/s   results lag the city"
                        + " clock by %s   last checkpoint: %s%n%n",
                Instant.now().toString().substring(11, 19), eventsPerSecond, resultsPerSecond, lag(), checkpoint()));
        screen.append(String.format(
                "%-24s %10s %6s %8s %8s   %s%n", "hottest zones", "multiplier", "raw", "demand", "supply", "window"));
        // hottest: the most riders paying above 1.0, so one request in an empty outer zone does not top the list;
        // among zones at the same price, those whose raw ratio presses hardest, held back by the pricing policy
        latestByZone.values().stream()
                .sorted(Comparator.comparingDouble((SurgeMultiplier m) -> pressure(m.getMultiplier(), m))
                        .thenComparingDouble(m -> pressure(OutputSerializers.rawMultiplier(m), m))
                        .reversed())
                .limit(10)
                .forEach(m -> screen.append(String.format(
                        "%-24s %9.2fx %5.2fx %8d %8d   %s .. %s%n",
                        m.getZoneId(),
                        m.getMultiplier(),
                        OutputSerializers.rawMultiplier(m),
                        m.getDemand(),
                        m.getSupply(),
                        m.getWindowStart().toString().substring(11, 19),
                        m.getWindowEnd().toString().substring(11, 19))));
        screen.append(String.format("%nopen episodes (%d)%n", episodes.size()));
        episodes.firing().stream()
                .limit(4)
                .forEach(a -> screen.append(String.format(
                        "since %s  %-8s %-16s %s%n",
                        a.getFirstEventTime().toString().substring(11, 19),
                        a.getSeverity(),
                        a.getRule(),
                        a.getZoneId())));
        screen.append(String.format("%nlatest alerts (%d so far)%n", alertsSeen));
        latestAlerts.forEach(a -> screen.append(String.format(
                "%s  %-8s %-8s %-16s %s%n",
                OpenEpisodes.occurredAt(a).toString().substring(11, 19),
                a.getStatus(),
                a.getSeverity(),
                a.getRule(),
                a.getSummary())));
        if (latestAlerts.isEmpty()) {
            screen.append("  none yet: a concert lets out after 20 s and drivers lose their app after 35 s\n");
        }
        screen.append("\nlive map: ")
                .append(dashboardUrl)
                .append("   log: ")
                .append(log)
                .append("   Ctrl-C stops everything.\n");
        out.print(screen);
        out.flush();
    }

    /** How many riders a price above 1.0 reaches, weighted by how far above. */
    private static double pressure(double multiplier, SurgeMultiplier m) {
        return (multiplier - 1) * m.getDemand();
    }

    private String lag() {
        return lastWindowEnd == 0
                ? "-"
                : String.format("%.1f s", (System.currentTimeMillis() - lastWindowEnd) / 1000.0);
    }

    private String checkpoint() {
        try {
            return flink.latestCheckpoint(jobId)
                    .map(completed -> String.format(
                            "#%d, %.1f s ago",
                            completed.path("id").asLong(),
                            (System.currentTimeMillis()
                                            - completed
                                                    .path("latest_ack_timestamp")
                                                    .asLong())
                                    / 1000.0))
                    .orElse("none yet");
        } catch (IOException | FlinkRestException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    @Override
    public void close() {
        outputs.close();
    }
}
