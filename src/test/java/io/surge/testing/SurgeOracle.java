package io.surge.testing;

import io.surge.pricing.ZoneSurge;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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

    private final Set<Long> lateOffsets = new HashSet<>();
    private final List<ZoneSurge> results = new ArrayList<>();
    private long counted;

    public SurgeOracle(long sizeMillis, long slideMillis, long outOfOrdernessMillis) {
        this.sizeMillis = sizeMillis;
        this.slideMillis = slideMillis;
        this.outOfOrdernessMillis = outOfOrdernessMillis;
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

        windowsByZone.forEach((zone, windows) -> windows.forEach((end, records) -> {
            long demand = records.stream().filter(Observation::isRide).count();
            Map<String, Observation> latestByDriver = new HashMap<>();
            for (Observation status : records) {
                if (!status.isRide()) {
                    latestByDriver.merge(status.driverId(), status, SurgeOracle::later);
                }
            }
            long supply = latestByDriver.values().stream().filter(Observation::available).count();
            double multiplier = demand == 0 ? 1.0 : supply == 0 ? 5.0 : Math.min(5.0, Math.max(1.0, (double) demand / supply));
            results.add(new ZoneSurge(zone, end - sizeMillis, end, demand, supply, multiplier, computedAt));
        }));
        return this;
    }

    /** The later status; at equal event times, the unavailable one. */
    private static Observation later(Observation a, Observation b) {
        if (a.eventTime() != b.eventTime()) {
            return a.eventTime() > b.eventTime() ? a : b;
        }
        return a.available() ? b : a;
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
