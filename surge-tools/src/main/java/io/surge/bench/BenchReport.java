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
        BenchWorkload workload,
        BenchWorkload.Census census,
        List<Measurement> measurements,
        List<LatencyMeasurement> latencies) {

    private static final double MB = 1024 * 1024;

    /**
     * Absolute figures, the ratio of each to the first measurement (the ceiling), and whether each computed the same
     * results, and raised the same alerts of the rules on multipliers, as the first contender that computed any.
     */
    public String table() {
        Measurement ceiling = measurements.get(0);
        ResultDigest reference = firstNonEmpty(Measurement::results);
        ResultDigest referenceAlerts = firstNonEmpty(Measurement::multiplierAlerts);
        StringBuilder table = new StringBuilder(String.format(
                Locale.ROOT,
                "%,d events over %,d zones with traffic, from %,d drivers, %,d a second of event time%n%n",
                workload.events(),
                census.zonesWithTraffic(),
                census.drivers(),
                workload.eventsPerSecond()));
        table.append(String.format(
                Locale.ROOT,
                "%-34s %12s %10s %12s %14s %10s %8s %10s %8s%n",
                "contender",
                "events/s",
                "seconds",
                "of ceiling",
                "CPU s/M events",
                "results",
                "same",
                "alerts*",
                "same"));
        for (Measurement m : measurements) {
            ResultDigest alerts = m.multiplierAlerts();
            table.append(String.format(
                    Locale.ROOT,
                    "%-34s %,12.0f %10.1f %11.0f%% %14.1f %,10d %8s %10s %8s%n",
                    m.contender(),
                    m.eventsPerSecond(),
                    m.seconds(),
                    100 * m.eventsPerSecond() / ceiling.eventsPerSecond(),
                    m.cpuSecondsPerMillionEvents(),
                    m.results().count(),
                    m.results().count() == 0 ? "-" : same(m.results(), reference),
                    alerts == null ? "-" : String.format(Locale.ROOT, "%,d", alerts.count()),
                    alerts == null ? "-" : same(alerts, referenceAlerts)));
        }
        table.append("alerts*: of the rules on multipliers (surge-spike, supply-collapse), which Flink SQL"
                + " expresses too; surge publishes the raw ratio here, its pricing stage running with no pooling,"
                + " evidence or smoothing\n");
        footprints(table);
        prices(table);
        if (!latencies.isEmpty()) {
            table.append(String.format(
                    Locale.ROOT,
                    "%nlatency after a window could close (end + out-of-orderness"
                            + " bound), ms%n%-34s %12s %10s %8s %8s %8s %12s %10s %8s %8s%n",
                    "contender",
                    "offered ev/s",
                    "results",
                    "p50",
                    "p99",
                    "max",
                    "first p50/99",
                    "committed",
                    "p50",
                    "p99"));
            for (LatencyMeasurement l : latencies) {
                table.append(String.format(
                        Locale.ROOT,
                        "%-34s %,12.0f %,10d %8d %8d %8d %12s %,10d %8d %8d%n",
                        l.contender(),
                        l.offeredEventsPerSecond(),
                        l.readable().results(),
                        l.readable().p50(),
                        l.readable().p99(),
                        l.readable().max(),
                        l.readable().firstP50() + "/" + l.readable().firstP99(),
                        l.committed().results(),
                        l.committed().p50(),
                        l.committed().p99()));
            }
            table.append("first: the first result read of each window end, which every result of it waits for too\n");
        }
        return table.toString();
    }

    /**
     * The Flink jobs' checkpoints and heap: how much state they keep, whether it stays flat while the traffic is
     * steady (a third and two thirds into the checkpoints), and at the last.
     */
    private void footprints(StringBuilder table) {
        table.append(String.format(
                Locale.ROOT,
                "%n%-34s %11s %14s %28s %9s %9s %8s%n",
                "state and memory",
                "checkpoints",
                "failed",
                "state MB: 1/3  2/3 peak last",
                "ckpt p50",
                "ckpt max",
                "heap MB"));
        for (Measurement m : measurements) {
            JobFootprint f = m.footprint();
            if (f == null) {
                continue;
            }
            table.append(String.format(
                    Locale.ROOT,
                    "%-34s %,11d %14s %12s %4s %4s %5s %6d ms %6d ms %8.0f%n",
                    m.contender(),
                    f.checkpoints(),
                    String.valueOf(f.failedCheckpoints()),
                    stateAt(f, 1, 3),
                    stateAt(f, 2, 3),
                    megabytes(f.peakStateBytes()),
                    stateAt(f, 1, 1),
                    f.checkpointMillisP50(),
                    f.checkpointMillisMax(),
                    f.heapAfterGcPeakBytes() / MB));
        }
        table.append("state: the full state a checkpoint holds; heap: the most held after a collection while the job"
                + " ran, above what was held before it (an upper bound)\n");
        for (Measurement m : measurements) {
            if (m.footprint() != null && !m.footprint().failureReasons().isEmpty()) {
                table.append("failed checkpoints of ").append(m.contender()).append(':');
                m.footprint()
                        .failureReasons()
                        .forEach((reason, count) ->
                                table.append(String.format(Locale.ROOT, " %d x %s;", count, reason)));
                table.append('\n');
            }
        }
    }

    /** The raw and published prices of the contenders whose prices were judged, and how much better published is. */
    private void prices(StringBuilder table) {
        for (Measurement m : measurements) {
            if (m.prices() != null) {
                table.append(String.format("%nprices of %s%n", m.contender()))
                        .append(m.prices().table());
            }
        }
    }

    /** The state of the completed checkpoint that far into the run. */
    private static String stateAt(JobFootprint footprint, int numerator, int denominator) {
        List<Long> sizes = footprint.stateSizes();
        return sizes.isEmpty() ? "-" : megabytes(sizes.get(Math.max(0, sizes.size() * numerator / denominator - 1)));
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / MB);
    }

    /** The first contender's digest that holds anything: what the others are compared with. */
    private ResultDigest firstNonEmpty(Function<Measurement, ResultDigest> digest) {
        return measurements.stream()
                .map(digest)
                .filter(d -> d != null && d.count() > 0)
                .findFirst()
                .orElse(ResultDigest.NONE);
    }

    private static String same(ResultDigest digest, ResultDigest reference) {
        return digest.equals(reference) ? "yes" : "NO";
    }

    public void writeJson(Path file) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(
                "machine",
                Map.of(
                        "cores", Runtime.getRuntime().availableProcessors(),
                        "maxHeapBytes", Runtime.getRuntime().maxMemory(),
                        "java", System.getProperty("java.version"),
                        "os", System.getProperty("os.name") + " " + System.getProperty("os.version")));
        json.put("workload", workload);
        json.put("census", census);
        json.put(
                "measurements",
                measurements.stream()
                        .map(m -> {
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
                                row.put(
                                        "multiplierAlertsHash",
                                        m.multiplierAlerts().hash());
                            }
                            if (m.footprint() != null) {
                                row.put("footprint", m.footprint());
                            }
                            if (m.prices() != null) {
                                row.put("prices", m.prices());
                            }
                            return row;
                        })
                        .toList());
        json.put("latencies", latencies);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }
}
