package io.surge.alerts;

import static io.surge.testing.Events.at;
import static io.surge.testing.Events.driver;
import static io.surge.testing.SurgeResults.surge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.surge.avro.Severity;
import io.surge.event.ZoneEvent;
import io.surge.pricing.ZoneSurge;
import io.surge.testing.RuleRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each shipped rule fires on its scenario, one episode per incident, and not on near misses. */
class ShippedRulesITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberSlotsPerTaskManager(1)
            .build());

    private static final Path SURGE_SPIKE = Path.of("alerts/surge-spike.yaml");
    private static final Path SUPPLY_COLLAPSE = Path.of("alerts/supply-collapse.yaml");
    private static final Path DRIVER_EXODUS = Path.of("alerts/driver-exodus.yaml");

    @Test
    void surgeSpikeFiresWhenACalmZoneReachesTwoWithinThirtySeconds() throws Exception {
        List<ZoneAlert> alerts = onSurges(
                SURGE_SPIKE,
                surge("A", 5, 6, 5, 1.2),
                surge("A", 10, 7, 5, 1.4),
                surge("A", 15, 16, 5, 2.0),
                surge("B", 15, 1, 1, 1.0));

        assertThat(alerts).singleElement().satisfies(alert -> {
            assertThat(alert.rule()).isEqualTo("surge-spike");
            assertThat(alert.zoneId()).isEqualTo("A");
            assertThat(alert.severity()).isEqualTo(Severity.WARNING);
            assertThat(alert.firstEventTime()).isEqualTo(at(5));
            assertThat(alert.lastEventTime()).isEqualTo(at(15));
            assertThat(alert.summary())
                    .isEqualTo("Surge in A jumped from 1.2x to 2x in 10 s (demand 16, supply 5; pooled 16 / 5)");
            assertThat(alert.details()).containsEntry("calm.multiplier", "1.2").containsEntry("spike.demand", "16");
            // the rule, the zone and the two windows matched, as the contract says, hashed
            assertThat(alert.alertId())
                    .isEqualTo("surge-spike-" + sha256Prefix("surge-spike|A|window@" + at(5) + ",window@" + at(15)));
        });
    }

    @Test
    void surgeSpikeStaysQuietOnNearMisses() throws Exception {
        assertThat(onSurges(
                        SURGE_SPIKE, // peaks just under 2.0
                        surge("A", 5, 6, 5, 1.2),
                        surge("A", 10, 14, 5, 1.8),
                        surge("A", 15, 29, 10, 1.9)))
                .isEmpty();
        assertThat(onSurges(
                        SURGE_SPIKE, // a spike on too little demand: 3 requests, 1 driver
                        surge("A", 5, 1, 1, 1.0),
                        surge("A", 10, 3, 1, 3.0)))
                .isEmpty();
        assertThat(onSurges(
                        SURGE_SPIKE, // never calm before the spike
                        surge("A", 5, 8, 5, 1.6),
                        surge("A", 10, 20, 5, 4.0)))
                .isEmpty();
        assertThat(onSurges(
                        SURGE_SPIKE, // a ramp: one window too slow
                        surge("A", 5, 5, 5, 1.0),
                        surge("A", 10, 8, 4, 1.6),
                        surge("A", 15, 9, 4, 1.7),
                        surge("A", 20, 10, 4, 1.8),
                        surge("A", 25, 11, 4, 1.85),
                        surge("A", 30, 23, 8, 1.9),
                        surge("A", 35, 47, 16, 1.95),
                        surge("A", 40, 12, 4, 2.0)))
                .isEmpty();
    }

    @Test
    void surgeSpikeOpensOneEpisodePerIncidentInEventTime() throws Exception {
        List<ZoneSurge> surges = new ArrayList<>(List.of(
                surge("A", 5, 5, 5, 1.0), surge("A", 10, 20, 5, 4.0), // first incident
                surge("A", 15, 5, 5, 1.0), surge("A", 20, 20, 5, 4.0), // again, within its 5 min resolve-after
                surge("A", 400, 5, 5, 1.0), surge("A", 405, 20, 5, 4.0))); // 6 min 25 s after the last match
        Collections.shuffle(surges.subList(0, 4), new Random(3)); // out of order within the watermark bound

        List<ZoneAlert> written = RuleRunner.alerts(List.of(SURGE_SPIKE), List.of(), surges);
        assertThat(written)
                .filteredOn(alert -> !alert.resolved())
                .extracting(ZoneAlert::firstEventTime)
                .containsExactly(at(5), at(400));
        // the input ends, so both end: 5 min after their last match
        assertThat(written)
                .filteredOn(ZoneAlert::resolved)
                .extracting(ZoneAlert::resolvedAt, ZoneAlert::episodeMatches)
                .containsExactly(tuple(at(320), 2), tuple(at(705), 1));
    }

    @Test
    void supplyCollapseFiresWhenSupplyFallsToThirtyPercentOfAHealthyLevelWithinFifteenSeconds() throws Exception {
        assertThat(onSurges(
                        SUPPLY_COLLAPSE,
                        surge("A", 5, 3, 6, 1.0),
                        surge("A", 10, 3, 4, 1.0),
                        surge("A", 15, 3, 1, 3.0)))
                .singleElement()
                .satisfies(alert -> {
                    assertThat(alert.severity()).isEqualTo(Severity.CRITICAL);
                    assertThat(alert.summary()).isEqualTo("Supply in A collapsed from 6 to 1 drivers in 10 s");
                });
    }

    @Test
    void supplyCollapseStaysQuietOnNearMisses() throws Exception {
        assertThat(onSurges(
                        SUPPLY_COLLAPSE, // 2 of 6 is 33 %, not 30 %
                        surge("A", 5, 3, 6, 1.0),
                        surge("A", 10, 3, 2, 1.5)))
                .isEmpty();
        assertThat(onSurges(
                        SUPPLY_COLLAPSE, // from 4 drivers: one short of a healthy level
                        surge("A", 5, 3, 4, 1.0),
                        surge("A", 10, 3, 1, 3.0)))
                .isEmpty();
        assertThat(onSurges(
                        SUPPLY_COLLAPSE, // takes 20 s
                        surge("A", 5, 3, 6, 1.0),
                        surge("A", 10, 3, 4, 1.0),
                        surge("A", 15, 3, 3, 1.0),
                        surge("A", 20, 3, 2, 1.5),
                        surge("A", 25, 3, 1, 3.0)))
                .isEmpty();
    }

    @Test
    void driverExodusFiresOnFiveDistinctDriversGoingUnavailableWithinTenSeconds() throws Exception {
        // arrival order: 3 s before 2 s, and 8 s before 6 s, all within the 5 s out-of-orderness bound
        List<ZoneEvent> events = List.of(
                driver("d1", "A", false).at(1),
                driver("d2", "A", true).at(1.5), // available: filtered out
                driver("d1", "A", false).at(3), // d1 again: not a new driver
                driver("d2", "A", false).at(2),
                driver("d3", "A", false).at(4),
                driver("d4", "B", false).at(4), // another zone
                driver("d5", "A", false).at(8),
                driver("d4", "A", false).at(6));

        assertThat(onEvents(DRIVER_EXODUS, events)).singleElement().satisfies(alert -> {
            assertThat(alert.zoneId()).isEqualTo("A");
            assertThat(alert.firstEventTime()).isEqualTo(at(1));
            assertThat(alert.lastEventTime()).isEqualTo(at(8));
            assertThat(alert.summary()).isEqualTo("5 drivers went unavailable in A within 7 s");
        });
    }

    @Test
    void driverExodusStaysQuietOnNearMisses() throws Exception {
        assertThat(onEvents(
                        DRIVER_EXODUS,
                        List.of( // four drivers, one of them twice
                                driver("d1", "A", false).at(1),
                                driver("d2", "A", false).at(2),
                                driver("d3", "A", false).at(3),
                                driver("d4", "A", false).at(4),
                                driver("d4", "A", false).at(5))))
                .isEmpty();
        assertThat(onEvents(
                        DRIVER_EXODUS,
                        List.of( // five drivers over 11 s
                                driver("d1", "A", false).at(1),
                                driver("d2", "A", false).at(3),
                                driver("d3", "A", false).at(6),
                                driver("d4", "A", false).at(9),
                                driver("d5", "A", false).at(12))))
                .isEmpty();
    }

    /** The episodes the rule opens; each is resolved too, since the input ends. */
    private static List<ZoneAlert> onSurges(Path rule, ZoneSurge... surges) throws Exception {
        return firing(RuleRunner.alerts(List.of(rule), List.of(), List.of(surges)));
    }

    private static List<ZoneAlert> onEvents(Path rule, List<ZoneEvent> events) throws Exception {
        return firing(RuleRunner.alerts(List.of(rule), events, List.of()));
    }

    private static String sha256Prefix(String text) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 12);
    }

    private static List<ZoneAlert> firing(List<ZoneAlert> written) {
        assertThat(written.stream().filter(ZoneAlert::resolved).count())
                .as("episodes resolved")
                .isEqualTo(written.stream().filter(alert -> !alert.resolved()).count());
        return written.stream().filter(alert -> !alert.resolved()).toList();
    }
}
