package io.surge.alerts;

import static io.surge.testing.Events.driver;
import static io.surge.testing.Events.ride;
import static org.assertj.core.api.Assertions.assertThat;

import io.surge.testing.RuleRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every alert has an id of its own, even where a rule finds overlapping matches over the same time span and its
 * episode's records span the same time.
 */
class AlertIdITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberSlotsPerTaskManager(1)
            .build());

    @TempDir
    Path dir;

    @Test
    void overlappingMatchesOverTheSameSpanGetDifferentIds() throws Exception {
        Path pairs = Files.writeString(dir.resolve("pairs.yaml"), """
                name: pairs
                input: zone-events
                steps:
                  - name: request
                    where: kind == 'RIDE_REQUEST'
                  - name: driver
                    contiguity: followed-by
                    where: kind == 'DRIVER_STATUS'
                within: 10s
                after-match: no-skip
                summary: "a driver after a request in {zone_id}"
                """);

        // two requests at 1 s, a driver at 4 s: either request, then the driver, both over the span 1 s .. 4 s
        List<ZoneAlert> alerts = RuleRunner.alerts(
                List.of(pairs),
                List.of(
                        ride("A").at(1),
                        ride("A").at(1),
                        driver("d1", "A", false).at(4),
                        ride("A").at(30)),
                List.of());

        // the two matches make one episode: its FIRING and RESOLVED records both span 1 s .. 4 s
        assertThat(alerts.stream()
                        .filter(alert -> alert.firstEventTime() == io.surge.testing.Events.at(1)
                                && alert.lastEventTime() == io.surge.testing.Events.at(4)))
                .as("two alerts over the same span")
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(alerts)
                .filteredOn(ZoneAlert::resolved)
                .singleElement()
                .satisfies(resolved -> assertThat(resolved.episodeMatches()).isEqualTo(2));
        assertThat(alerts).extracting(ZoneAlert::alertId).doesNotHaveDuplicates();
    }
}
