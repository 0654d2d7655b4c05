package io.surge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.avro.DriverStatus;
import io.surge.avro.RideRequest;
import io.surge.config.SurgeConfig;
import io.surge.zone.ZoneResolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The workload holds what its census says, counted from the records themselves. */
class BenchWorkloadTest {

    private final ZoneResolver zones = SurgeConfig.defaults().input().zoneResolver();

    @Test
    void everyDriverReportsBeforeAnyReportsAgain() {
        BenchWorkload workload = new BenchWorkload(7L, 5_000, 300, 1_000, 2_000);
        List<String> drivers = new ArrayList<>();
        Set<String> zonesSeen = new HashSet<>();

        BenchWorkload.Census census = workload.forEach(0, event -> {
            if (event instanceof DriverStatus status) {
                drivers.add(status.getDriverId());
                zonesSeen.add(zones.zoneOf(status.getLat(), status.getLon()));
            } else {
                RideRequest ride = (RideRequest) event;
                zonesSeen.add(zones.zoneOf(ride.getLat(), ride.getLon()));
            }
        });

        assertThat(drivers.size()).as("statuses").isGreaterThan(2 * 1_000);
        assertThat(new HashSet<>(drivers.subList(0, 1_000)))
                .as("the first round")
                .hasSize(1_000);
        assertThat(new HashSet<>(drivers.subList(1_000, 2_000)))
                .as("the second round")
                .isEqualTo(new HashSet<>(drivers.subList(0, 1_000)));
        assertThat(census.drivers()).isEqualTo(new HashSet<>(drivers).size());
        assertThat(census.zonesWithTraffic()).isEqualTo(zonesSeen.size());
    }

    @Test
    void aDriverReportsFromOneZoneAndMovesNowAndThen() {
        BenchWorkload workload = new BenchWorkload(9L, 40_000, 200, 500, 2_000);
        Map<String, String> zoneOfDriver = new HashMap<>();
        int[] reports = {0};
        int[] moves = {0};

        workload.forEach(0, event -> {
            if (event instanceof DriverStatus status) {
                String zone = zones.zoneOf(status.getLat(), status.getLon());
                String before = zoneOfDriver.put(status.getDriverId(), zone);
                if (before != null) {
                    reports[0]++;
                    moves[0] += before.equals(zone) ? 0 : 1;
                }
            }
        });

        // one report in 20 is from a newly picked zone, which is mostly another one
        assertThat(moves[0]).isPositive().isLessThan(reports[0] / 15);
        assertThat(moves[0]).isGreaterThan(reports[0] / 40);
    }

    @Test
    void fewerStatusesThanDriversReachThatManyDrivers() {
        BenchWorkload workload = new BenchWorkload(7L, 1_000, 50, 1_000_000, 2_000);
        Set<String> drivers = new HashSet<>();

        BenchWorkload.Census census = workload.forEach(0, event -> {
            if (event instanceof DriverStatus status) {
                assertThat(drivers.add(status.getDriverId()))
                        .as("a driver's first status")
                        .isTrue();
            }
        });

        assertThat(census.drivers()).isEqualTo(drivers.size()).isPositive();
    }

    @Test
    void theSameSeedGivesTheSameEvents() {
        BenchWorkload workload = BenchWorkload.city(3L, 2_000, 40, 1_000);
        List<Object> first = new ArrayList<>();
        List<Object> second = new ArrayList<>();

        workload.forEach(10_000, first::add);
        workload.forEach(10_000, second::add);

        assertThat(second).isEqualTo(first);
        assertThat(workload.drivers()).isEqualTo(100);
    }
}
