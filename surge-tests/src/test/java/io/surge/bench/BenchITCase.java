package io.surge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.avro.DriverStatus;
import io.surge.avro.RideRequest;
import io.surge.config.SurgeConfig;
import io.surge.pricing.ZoneSurge;
import io.surge.testing.SurgeOracle;
import io.surge.testing.stack.ClusterFiles;
import io.surge.testing.stack.SurgeStack;
import io.surge.time.Waiting;
import io.surge.zone.ZoneResolver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small benchmark run end to end: every contender reads the whole input, and the results of each (the baseline,
 * Flink SQL, Kafka Streams, surge exactly-once and at-least-once) are those of an independent recomputation of the
 * same workload. Surge then runs on live traffic at half the load it reached, and its results are read as they are
 * written and as they are committed. Every local Flink cluster the bench started has shut down by its end.
 */
@Tag("slow")
class BenchITCase {

    @TempDir
    Path dir;

    @Test
    void everyContenderReadsTheWholeInputAndSurgeComputesTheOraclesResults() throws Exception {
        BenchWorkload workload = BenchWorkload.city(5L, 20_000, 60, 2_000);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<String> leftBefore = ClusterFiles.in(tmp);
        try (SurgeStack stack = SurgeStack.start(Map.of())) {
            Map<String, String> connection = Map.of(
                    "kafka.bootstrap",
                    stack.bootstrapServers(),
                    "registry.url",
                    stack.config().registry().url(),
                    "topics.ride-requests",
                    "bench-ride-requests",
                    "topics.driver-status",
                    "bench-driver-status");
            StringWriter progress = new StringWriter();
            BenchReport report = new Bench(
                            workload,
                            2,
                            EnumSet.allOf(Contender.class),
                            Duration.ofSeconds(20),
                            0,
                            options -> {
                                Map<String, String> all = new HashMap<>(connection);
                                all.putAll(options);
                                return SurgeConfig.fromOptions(all, "test");
                            },
                            new PrintWriter(progress))
                    .run();

            List<Measurement> measurements = report.measurements();
            assertThat(measurements)
                    .extracting(Measurement::contender)
                    .containsExactly(
                            "decode only (ceiling)",
                            "seed design (baseline)",
                            "Flink SQL (HOP, mini-batch)",
                            "Kafka Streams (hopping)",
                            "surge, exactly-once",
                            "surge, at-least-once",
                            "surge, no rules, exactly-once");
            assertThat(measurements.get(0).events())
                    .as("records the ceiling read")
                    .isEqualTo(workload.events());
            assertThat(measurements).allSatisfy(m -> assertThat(m.seconds()).isPositive());
            long start = progressStart(progress.toString());
            ZoneResolver zones = SurgeConfig.defaults().input().zoneResolver();
            ResultDigest expected = oracleDigest(workload, zones, start, new SurgeOracle(30_000, 5_000, 5_000));
            assertThat(oracleDigest(workload, zones, start, SurgeOracle.supplyPerZone(30_000, 5_000, 5_000)))
                    .as("drivers cross zones within a window: counting them in each zone would differ")
                    .isNotEqualTo(expected);
            for (Measurement contender : measurements.subList(1, measurements.size())) {
                assertThat(contender.results())
                        .as(contender.contender() + " results")
                        .isEqualTo(expected);
            }
            // the alerts of the rules on multipliers: Flink SQL's MATCH_RECOGNIZE and cooldown raise surge's
            Measurement flinkSql = measurements.get(2);
            Measurement surge = measurements.get(4);
            assertThat(surge.multiplierAlerts().count())
                    .as("surge's alerts on multipliers")
                    .isPositive();
            assertThat(flinkSql.multiplierAlerts()).as("Flink SQL's alerts").isEqualTo(surge.multiplierAlerts());
            assertThat(measurements.get(5).multiplierAlerts())
                    .as("surge at-least-once alerts")
                    .isEqualTo(surge.multiplierAlerts());
            // surge without rules publishes prices as shipped, and the bench judges them against the raw ratio
            PriceQuality prices = measurements.get(6).prices();
            assertThat(prices.published().results())
                    .isEqualTo(expected.count())
                    .isEqualTo(prices.raw().results());
            // in the 10 s of event time of this workload, a published price climbs 0.5 a slide at most
            assertThat(prices.published().atThreeOrMore())
                    .as("published at 3x or more")
                    .isLessThan(prices.raw().atThreeOrMore());
            assertThat(prices.published().atTwoOrMoreOnThinPooledDemand())
                    .as("published 2x on thin demand")
                    .isZero();
            assertThat(measurements.subList(0, 6))
                    .extracting(Measurement::prices)
                    .containsOnlyNulls();
            assertThat(report.table())
                    .contains("surge, exactly-once")
                    .doesNotContain(" NO")
                    .contains("prices of surge, no rules, exactly-once");
            // every Flink job's checkpoints, as Flink counts them; the others have none to report
            for (Measurement job : List.of(
                    measurements.get(1), measurements.get(2), surge, measurements.get(5), measurements.get(6))) {
                JobFootprint footprint = job.footprint();
                assertThat(footprint).as(job.contender()).isNotNull();
                assertThat(footprint.checkpoints())
                        .as(job.contender() + " checkpoints")
                        .isPositive()
                        .isEqualTo(footprint.stateSizes().size());
                assertThat(footprint.peakStateBytes())
                        .as(job.contender() + " state")
                        .isEqualTo(footprint.stateSizes().stream()
                                .mapToLong(Long::longValue)
                                .max()
                                .orElseThrow());
                assertThat(footprint.checkpointMillisP50()).isLessThanOrEqualTo(footprint.checkpointMillisMax());
            }
            assertThat(measurements.get(0).footprint()).isNull();
            assertThat(measurements.get(3).footprint()).isNull();

            assertThat(report.latencies())
                    .extracting(LatencyMeasurement::contender)
                    .containsExactly(
                            "surge, exactly-once, paced by windows",
                            "surge, exactly-once, Flink's clock",
                            "surge, at-least-once, paced by windows",
                            "surge, at-least-once, Flink's clock");
            for (LatencyMeasurement latency : report.latencies()) {
                assertThat(latency.offeredEventsPerSecond()).isPositive();
                assertThat(latency.readable().results())
                        .as("results read")
                        .isPositive()
                        .as("every result read uncommitted is also read committed")
                        .isEqualTo(latency.committed().results());
                assertThat(latency.readable().p50())
                        .isLessThanOrEqualTo(latency.readable().p99())
                        .isLessThanOrEqualTo(latency.readable().max());
            }
            // exactly-once results are committed at a checkpoint after they are written; at-least-once results are
            // readable to both consumers at once, each of which notes them at its own poll
            for (LatencyMeasurement exactlyOnce : report.latencies().subList(0, 2)) {
                assertThat(exactlyOnce.committed().p50())
                        .as(exactlyOnce.contender() + ": committed after written")
                        .isGreaterThanOrEqualTo(exactlyOnce.readable().p50());
            }

            // a paced job's cluster waited 5 minutes for its checkpoints' results to be read before it shut down
            Waiting.until(
                    () -> leftBefore.containsAll(ClusterFiles.in(tmp)),
                    Duration.ofSeconds(60),
                    "every Flink cluster of the bench to shut down and remove its files");

            Path json = dir.resolve("bench.json");
            report.writeJson(json);
            assertThat(Files.readString(json)).contains("\"contender\" : \"surge, at-least-once\"");
        }
    }

    /** The start of the workload's event time, which the run prints. */
    private static long progressStart(String progress) {
        return Long.parseLong(progress.replaceAll("(?s).*event time from (\\d+).*", "$1"));
    }

    private static ResultDigest oracleDigest(
            BenchWorkload workload, ZoneResolver zones, long start, SurgeOracle oracle) {
        List<SurgeOracle.Observation> observations = new ArrayList<>();
        workload.forEach(start, event -> {
            if (event instanceof RideRequest ride) {
                observations.add(new SurgeOracle.Observation(
                        observations.size(),
                        zones.zoneOf(ride.getLat(), ride.getLon()),
                        ride.getEventTime().toEpochMilli(),
                        null,
                        false));
            } else {
                DriverStatus status = (DriverStatus) event;
                observations.add(new SurgeOracle.Observation(
                        observations.size(),
                        zones.zoneOf(status.getLat(), status.getLon()),
                        status.getEventTime().toEpochMilli(),
                        status.getDriverId(),
                        status.getAvailable()));
            }
        });
        ResultDigest digest = ResultDigest.NONE;
        for (ZoneSurge result : oracle.replay(observations, 0).results()) {
            digest = digest.add(result.zoneId(), result.windowEnd(), result.demand(), result.supply());
        }
        return digest;
    }
}
