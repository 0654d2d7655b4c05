package io.surge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** The benchmark's outcome: one table for people, one JSON file for comparing runs. */
public record BenchReport(
        BenchWorkload workload, List<Measurement> measurements, List<LatencyMeasurement> latencies) {

    /**
     * Absolute figures, the ratio of each to the first measurement (the ceiling), and whether each computed the same
     * results, and raised the same alerts of the rules on multipliers, as the first contender that computed any.
     */
    public String table() {
        Measurement ceiling = measurements.get(0);
        ResultDigest reference = firstNonEmpty(Measurement::results);
        ResultDigest referenceAlerts = firstNonEmpty(Measurement::multiplierAlerts);
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%-34s %12s %10s %12s %14s %10s %8s %10s %8s%n", "contender", "events/s", "seconds", "of ceiling",
                "CPU s/M events", "results", "same", "alerts*", "same"));
        for (Measurement m : measurements) {
            ResultDigest alerts = m.multiplierAlerts();
            table.append(String.format(Locale.ROOT, "%-34s %,12.0f %10.1f %11.0f%% %14.1f %,10d %8s %10s %8s%n",
                    m.contender(), m.eventsPerSecond(), m.seconds(),
                    100 * m.eventsPerSecond() / ceiling.eventsPerSecond(), m.cpuSecondsPerMillionEvents(),
                    m.results().count(), m.results().count() == 0 ? "-" : same(m.results(), reference),
                    alerts == null ? "-" : String.format(Locale.ROOT, "%,d", alerts.count()),
                    alerts == null ? "-" : same(alerts, referenceAlerts)));
        }
        table.append("alerts*: of the rules on multipliers (surge-spike, supply-collapse), which Flink SQL"
                + " expresses too\n");
        if (!latencies.isEmpty()) {
            table.append(String.format(Locale.ROOT, "%nlatency after a window could close (end + out-of-orderness"
                    + " bound), ms%n%-34s %12s %10s %8s %8s %8s %10s %8s %8s%n", "contender", "offered ev/s", "results",
                    "p50", "p99", "max", "committed", "p50", "p99"));
            for (LatencyMeasurement l : latencies) {
                table.append(String.format(Locale.ROOT, "%-34s %,12.0f %,10d %8d %8d %8d %,10d %8d %8d%n",
                        l.contender(), l.offeredEventsPerSecond(), l.readable().results(), l.readable().p50(),
                        l.readable().p99(), l.readable().max(), l.committed().results(), l.committed().p50(),
                        l.committed().p99()));
            }
        }
        return table.toString();
    }

    /** The first contender's digest that holds anything: what the others are compared with. */
    private ResultDigest firstNonEmpty(Function<Measurement, ResultDigest> digest) {
        return measurements.stream().map(digest).filter(d -> d != null && d.count() > 0).findFirst()
                .orElse(ResultDigest.NONE);
    }

    private static String same(ResultDigest digest, ResultDigest reference) {
        return digest.equals(reference) ? "yes" : "NO";
    }

    public void writeJson(Path file) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", Map.of(
                "cores", Runtime.getRuntime().availableProcessors(),
                "maxHeapBytes", Runtime.getRuntime().maxMemory(),
                "java", System.getProperty("java.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version")));
        json.put("workload", workload);
        json.put("measurements", measurements.stream().map(m -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("contender", m.contender());
            row.put("events", m.events());
            row.put("seconds", m.seconds());
            row.put("eventsPerSecond", m.eventsPerSecond());
            row.put("cpuSecondsPerMillionEvents", m.cpuSecondsPerMillionEvents());
            row.put("results", m.results().count());
            row.put("resultsHash", m.results().hash());
            if (m.multiplierAlerts() != null) {
                row.put("multiplierAlerts", m.multiplierAlerts().count());
                row.put("multiplierAlertsHash", m.multiplierAlerts().hash());
            }
            return row;
        }).toList());
        json.put("latencies", latencies);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }
}
