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

/** The benchmark's outcome: one table for people, one JSON file for comparing runs. */
public record BenchReport(
        BenchWorkload workload, List<Measurement> measurements, List<LatencyMeasurement> latencies) {

    /**
     * Absolute figures, the ratio of each to the first measurement (the ceiling) and whether each computed the same
     * results as the first contender that computed any.
     */
    public String table() {
        Measurement ceiling = measurements.get(0);
        ResultDigest reference = measurements.stream()
                .map(Measurement::results)
                .filter(digest -> digest.count() > 0)
                .findFirst()
                .orElse(ResultDigest.NONE);
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%-34s %12s %10s %12s %14s %10s %8s%n", "contender", "events/s", "seconds", "of ceiling",
                "CPU s/M events", "results", "same"));
        for (Measurement m : measurements) {
            table.append(String.format(Locale.ROOT, "%-34s %,12.0f %10.1f %11.0f%% %14.1f %,10d %8s%n",
                    m.contender(), m.eventsPerSecond(), m.seconds(),
                    100 * m.eventsPerSecond() / ceiling.eventsPerSecond(), m.cpuSecondsPerMillionEvents(),
                    m.results().count(),
                    m.results().count() == 0 ? "-" : m.results().equals(reference) ? "yes" : "NO"));
        }
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
            return row;
        }).toList());
        json.put("latencies", latencies);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }
}
