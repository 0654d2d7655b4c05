package io.surge.testing;

import com.uber.h3core.H3Core;
import io.surge.config.SurgeConfig;
import io.surge.pricing.ZoneSurge;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Published prices recomputed the plain way from counted results, independently of the job, as docs/semantics.md states
 * them: window by window in time order, each zone's demand and supply pooled with its neighbours', shrunk by the
 * pseudo-count, moved from the zone's price one slide earlier by at most a step unless within the deadband, at most
 * what the demand supports with no driver, capped.
 *
 * @param caps extra caps by zone: zone id to cap, each named after the zone, in force at every time
 */
public record PriceOracle(
        long slideMillis,
        double neighbourWeight,
        double pseudoCount,
        double maxStep,
        double deadband,
        double cap,
        Map<String, Double> caps,
        String policyVersion) {

    /** The default policy of docs/semantics.md, for the default windows sliding every 5 s. */
    public static PriceOracle defaults() {
        return new PriceOracle(
                5_000,
                0.25,
                3,
                0.5,
                0.5,
                5.0,
                Map.of(),
                SurgeConfig.defaults().pricing().version());
    }

    public List<ZoneSurge> publish(List<ZoneSurge> counted) {
        Map<Long, Map<String, ZoneSurge>> byEnd = new TreeMap<>();
        for (ZoneSurge result : counted) {
            byEnd.computeIfAbsent(result.windowEnd(), end -> new HashMap<>()).put(result.zoneId(), result);
        }
        List<ZoneSurge> published = new ArrayList<>();
        Map<String, Double> previousPrices = Map.of();
        long previousEnd = Long.MIN_VALUE;
        for (Map.Entry<Long, Map<String, ZoneSurge>> window : byEnd.entrySet()) {
            long end = window.getKey();
            Map<String, ZoneSurge> zones = window.getValue();
            Map<String, Double> prices = new HashMap<>();
            for (ZoneSurge own : zones.values()) {
                long neighbourDemand = 0;
                long neighbourSupply = 0;
                for (String neighbour : neighbours(own.zoneId())) {
                    ZoneSurge there = zones.get(neighbour);
                    if (there != null) {
                        neighbourDemand += there.demand();
                        neighbourSupply += there.supply();
                    }
                }
                double demand = own.demand() + neighbourWeight * neighbourDemand;
                double supply = own.supply() + neighbourWeight * neighbourSupply;
                double pooled = demand == 0 ? 1.0 : supply == 0 ? 5.0 : clamp(demand / supply);
                double target = pseudoCount == 0 ? pooled : clamp((demand + pseudoCount) / (supply + pseudoCount));
                double last = end - slideMillis == previousEnd ? previousPrices.getOrDefault(own.zoneId(), 1.0) : 1.0;
                double smoothed = last;
                if (Math.abs(target - last) >= deadband || target == 1.0) {
                    if (target > last + maxStep) {
                        smoothed = last + maxStep;
                    } else if (target < last - maxStep) {
                        smoothed = last - maxStep;
                    } else {
                        smoothed = target;
                    }
                }
                double price = smoothed;
                boolean unsupported = false;
                if (pseudoCount > 0) {
                    double supported = clamp((demand + pseudoCount) / pseudoCount);
                    unsupported = price > supported;
                    price = Math.min(price, supported);
                }
                String cappedBy = null;
                if (price > cap) {
                    price = cap;
                    cappedBy = "global";
                }
                Double zoneCap = caps.get(own.zoneId());
                if (zoneCap != null && price > zoneCap) {
                    price = zoneCap;
                    cappedBy = own.zoneId();
                }
                int adjustedBy = (target != pooled || unsupported ? 1 : 0)
                        | (smoothed != target ? 2 : 0)
                        | (cappedBy != null ? 4 : 0);
                prices.put(own.zoneId(), price);
                published.add(new ZoneSurge(
                        own.zoneId(),
                        own.windowStart(),
                        end,
                        own.demand(),
                        own.supply(),
                        price,
                        own.computedAt(),
                        new ZoneSurge.Pricing(own.multiplier(), demand, supply, adjustedBy, cappedBy, policyVersion)));
            }
            previousPrices = prices;
            previousEnd = end;
        }
        return published;
    }

    private static double clamp(double ratio) {
        return Math.min(5.0, Math.max(1.0, ratio));
    }

    /** The 8 grid cells around a grid zone, or the H3 cells one step from an H3 zone. */
    static List<String> neighbours(String zoneId) {
        List<String> around = new ArrayList<>();
        if (zoneId.startsWith("h3_")) {
            String cell = zoneId.substring(3);
            for (String neighbour : H3.INSTANCE.gridDisk(cell, 1)) {
                if (!neighbour.equals(cell)) {
                    around.add("h3_" + neighbour);
                }
            }
            return around;
        }
        String[] cell = zoneId.split("_");
        long lat = Long.parseLong(cell[1]);
        long lon = Long.parseLong(cell[2]);
        for (long dLat = -1; dLat <= 1; dLat++) {
            for (long dLon = -1; dLon <= 1; dLon++) {
                if (dLat != 0 || dLon != 0) {
                    around.add("zone_" + (lat + dLat) + "_" + (lon + dLon));
                }
            }
        }
        return around;
    }

    private static final class H3 {
        static final H3Core INSTANCE = load();

        private static H3Core load() {
            try {
                return H3Core.newInstance();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
