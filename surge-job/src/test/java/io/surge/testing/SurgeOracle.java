package io.surge.testing;

import io.surge.pricing.ZoneSurge;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Surge results recomputed the plain way, independently of the job: replay the valid records in the order a single
 * source emits them, track the watermark each record meets, and for every zone and window count what the contract
 * says. Written for clarity, not speed.
 */
public final class SurgeOracle {

    /** One valid input as the oracle sees it. */
    public record Observation(long offset, String zone, long eventTime, String driverId, boolean available) {
        boolean isRide() {
            return driverId == null;
        }
    }

    private final long sizeMillis;
    private final long slideMillis;
    private final long outOfOrdernessMillis;
    private final boolean eachDriverInOneZone;

    private final Set<Long> lateOffsets = new HashSet<>();
    private final List<ZoneSurge> results = new ArrayList<>();
    private long counted;

    /** Each driver counts once per window, in the zone of its latest status there. */
    public SurgeOracle(long sizeMillis, long slideMillis, long outOfOrdernessMillis) {
        this(sizeMillis, slideMillis, outOfOrdernessMillis, true);
    }

    private SurgeOracle(long sizeMillis, long slideMillis, long outOfOrdernessMillis, boolean eachDriverInOneZone) {
        this.sizeMillis = sizeMillis;
        this.slideMillis = slideMillis;
        this.outOfOrdernessMillis = outOfOrdernessMillis;
        this.eachDriverInOneZone = eachDriverInOneZone;
    }

    /**
     * Supply as the contract counted it before each driver counted in one zone: in each zone by the driver's latest
     * status there. For showing that a workload tells the two apart.
     */
    public static SurgeOracle supplyPerZone(long sizeMillis, long slideMillis, long outOfOrdernessMillis) {
        return new SurgeOracle(sizeMillis, slideMillis, outOfOrdernessMillis, false);
    }

    public SurgeOracle replay(List<Observation> inArrivalOrder, long computedAt) {
        // Which windows each record is counted in: those whose end had not been passed by the watermark it met.
        Map<String, Map<Long, List<Observation>>> windowsByZone = new HashMap<>();
        long maxEventTime = Long.MIN_VALUE;
        for (Observation record : inArrivalOrder) {
            long watermark = maxEventTime == Long.MIN_VALUE ? Long.MIN_VALUE : maxEventTime - outOfOrdernessMillis - 1;
            boolean countedSomewhere = false;
            long firstEnd = Math.floorDiv(record.eventTime(), slideMillis) * slideMillis + slideMillis;
            for (long end = firstEnd; end - sizeMillis <= record.eventTime(); end += slideMillis) {
                if (end - 1 > watermark) {
                    windowsByZone
                            .computeIfAbsent(record.zone(), zone -> new HashMap<>())
                            .computeIfAbsent(end, e -> new ArrayList<>())
                            .add(record);
                    countedSomewhere = true;
                }
            }
            if (countedSomewhere) {
                counted++;
            } else {
                lateOffsets.add(record.offset());
            }
            maxEventTime = Math.max(maxEventTime, record.eventTime());
        }

        // Each driver counts once per window: in the zone of its latest status there, if that says available.
        // (supplyPerZone: in each zone by its latest status in that zone.)
        Map<Long, Map<String, List<Observation>>> statusesByWindowAndDriver = new HashMap<>();
        windowsByZone.forEach((zone, windows) -> windows.forEach((end, records) -> records.stream()
                .filter(record -> !record.isRide())
                .forEach(status -> statusesByWindowAndDriver
                        .computeIfAbsent(end, e -> new HashMap<>())
                        .computeIfAbsent(
                                eachDriverInOneZone ? status.driverId() : status.driverId() + "@" + zone,
                                driver -> new ArrayList<>())
                        .add(status))));
        Map<String, Map<Long, Long>> supplyByZone = new HashMap<>();
        statusesByWindowAndDriver.forEach((end, byDriver) -> byDriver.values()
                .forEach(statuses -> countedIn(statuses)
                        .ifPresent(zone -> supplyByZone
                                .computeIfAbsent(zone, z -> new HashMap<>())
                                .merge(end, 1L, Long::sum))));

        windowsByZone.forEach((zone, windows) -> windows.forEach((end, records) -> {
            long demand = records.stream().filter(Observation::isRide).count();
            long supply = supplyByZone.getOrDefault(zone, Map.of()).getOrDefault(end, 0L);
            double multiplier =
                    demand == 0 ? 1.0 : supply == 0 ? 5.0 : Math.min(5.0, Math.max(1.0, (double) demand / supply));
            results.add(new ZoneSurge(zone, end - sizeMillis, end, demand, supply, multiplier, computedAt, null));
        }));
        return this;
    }

    /**
     * The zone a driver counts in, given its statuses in one window: that of its latest status, when it says available.
     * Statuses at the same latest millisecond all must be in one zone and all say available.
     */
    private static Optional<String> countedIn(List<Observation> statuses) {
        long latest = statuses.stream().mapToLong(Observation::eventTime).max().orElseThrow();
        List<Observation> last =
                statuses.stream().filter(status -> status.eventTime() == latest).toList();
        boolean oneZone = last.stream().map(Observation::zone).distinct().count() == 1;
        boolean available = last.stream().allMatch(Observation::available);
        return oneZone && available ? Optional.of(last.get(0).zone()) : Optional.empty();
    }

    public List<ZoneSurge> results() {
        return results;
    }

    public Set<Long> lateOffsets() {
        return new TreeSet<>(lateOffsets);
    }

    public long counted() {
        return counted;
    }
}
