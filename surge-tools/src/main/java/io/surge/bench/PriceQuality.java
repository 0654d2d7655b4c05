package io.surge.bench;

import io.surge.avro.SurgeMultiplier;
import io.surge.config.SurgeConfig;
import io.surge.io.kafka.OutputSerializers;
import io.surge.zone.ZoneNeighbours;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * How plausible a run's prices are, for the raw ratio and the published price of the same results: how often a high
 * price rests on thin demand, how often a zone's price turns back, how far apart neighbouring zones are priced.
 */
public record PriceQuality(Figures raw, Figures published) {

    /** A step smaller than this is no move a rider would notice. */
    static final double NOTICEABLE_STEP = 0.25;

    /**
     * @param atThreeOrMore results priced at 3x or more
     * @param atThreeOrMoreOnThinDemand of those, with a demand of the zone's own of at most 2
     * @param atTwoOrMoreOnThinPooledDemand results priced at 2x or more on a pooled demand of at most 2
     * @param flipsPerZoneHour how often a zone's price turns back: a step of at least {@value #NOTICEABLE_STEP} in the
     *     other direction than the zone's previous such step, per hour of a zone's results
     * @param neighbourGapP50 the median difference between the prices of two neighbouring zones in one window
     * @param neighbourGapP99 its 99th percentile
     */
    public record Figures(
            long results,
            long atThreeOrMore,
            long atThreeOrMoreOnThinDemand,
            long atTwoOrMoreOnThinPooledDemand,
            double flipsPerZoneHour,
            double neighbourGapP50,
            double neighbourGapP99) {}

    /** One result as the figures read it. */
    record Priced(String zoneId, long windowEnd, long demand, double pooledDemand, double raw, double published) {

        static Priced of(SurgeMultiplier m) {
            double raw = OutputSerializers.rawMultiplier(m);
            double pooled = m.getPooledDemand() == null ? m.getDemand() : m.getPooledDemand();
            return new Priced(
                    m.getZoneId(), m.getWindowEnd().toEpochMilli(), m.getDemand(), pooled, raw, m.getMultiplier());
        }
    }

    /** The quality of the prices committed to the multipliers topic when it is called. */
    public static PriceQuality committed(SurgeConfig config) {
        List<Priced> results = new ArrayList<>();
        Contenders.forEachResult(
                config, config.topics().multipliers(), SurgeMultiplier.class, m -> results.add(Priced.of(m)));
        return of(results, config.window().slideMillis());
    }

    static PriceQuality of(List<Priced> results, long slideMillis) {
        return new PriceQuality(
                figures(results, Priced::raw, slideMillis), figures(results, Priced::published, slideMillis));
    }

    /** The figures of raw and published, one row each, and how much better published is. */
    public String table() {
        StringBuilder table = new StringBuilder(String.format(
                Locale.ROOT,
                "%-12s %10s %8s %20s %24s %16s %14s%n",
                "",
                "results",
                ">= 3x",
                ">= 3x on demand <= 2",
                ">= 2x on pooled demand <= 2",
                "flips/zone-hour",
                "gap p50 / p99"));
        for (var row : List.of(Map.entry("raw", raw), Map.entry("published", published))) {
            Figures f = row.getValue();
            table.append(String.format(
                    Locale.ROOT,
                    "%-12s %,10d %,8d %,20d %,24d %16.2f %7.2f / %4.2f%n",
                    row.getKey(),
                    f.results(),
                    f.atThreeOrMore(),
                    f.atThreeOrMoreOnThinDemand(),
                    f.atTwoOrMoreOnThinPooledDemand(),
                    f.flipsPerZoneHour(),
                    f.neighbourGapP50(),
                    f.neighbourGapP99()));
        }
        return table.append(String.format(
                        Locale.ROOT,
                        "published against raw: flips %s, p99 gap between neighbours" + " %s%n",
                        fewerBy(raw.flipsPerZoneHour(), published.flipsPerZoneHour()),
                        fewerBy(raw.neighbourGapP99(), published.neighbourGapP99())))
                .toString();
    }

    /** "cut 4.2-fold", or by how much it grew. */
    private static String fewerBy(double before, double after) {
        if (after == 0) {
            return before == 0 ? "none either way" : "cut to none";
        }
        if (before == 0) {
            return "up from none";
        }
        double ratio = before / after;
        return ratio >= 1
                ? String.format(Locale.ROOT, "cut %.1f-fold", ratio)
                : String.format(Locale.ROOT, "up %.1f-fold", 1 / ratio);
    }

    private static Figures figures(List<Priced> results, ToDoubleFunction<Priced> price, long slideMillis) {
        long atThree = 0;
        long atThreeThin = 0;
        long atTwoThinPooled = 0;
        for (Priced result : results) {
            double multiplier = price.applyAsDouble(result);
            atThree += multiplier >= 3 ? 1 : 0;
            atThreeThin += multiplier >= 3 && result.demand() <= 2 ? 1 : 0;
            atTwoThinPooled += multiplier >= 2 && result.pooledDemand() <= 2 ? 1 : 0;
        }
        double zoneHours = results.size() * (double) slideMillis / 3_600_000;
        double[] gaps = neighbourGaps(results, price);
        return new Figures(
                results.size(),
                atThree,
                atThreeThin,
                atTwoThinPooled,
                zoneHours == 0 ? 0 : flips(results, price) / zoneHours,
                percentile(gaps, 0.50),
                percentile(gaps, 0.99));
    }

    private static long flips(List<Priced> results, ToDoubleFunction<Priced> price) {
        Map<String, List<Priced>> byZone = new HashMap<>();
        results.forEach(result -> byZone.computeIfAbsent(result.zoneId(), zone -> new ArrayList<>())
                .add(result));
        long flips = 0;
        for (List<Priced> zone : byZone.values()) {
            zone.sort(Comparator.comparingLong(Priced::windowEnd));
            double lastDirection = 0;
            for (int i = 1; i < zone.size(); i++) {
                double step = price.applyAsDouble(zone.get(i)) - price.applyAsDouble(zone.get(i - 1));
                if (Math.abs(step) >= NOTICEABLE_STEP) {
                    flips += lastDirection != 0 && Math.signum(step) != lastDirection ? 1 : 0;
                    lastDirection = Math.signum(step);
                }
            }
        }
        return flips;
    }

    /** The price difference of every pair of neighbouring zones with a result in the same window, each pair once. */
    private static double[] neighbourGaps(List<Priced> results, ToDoubleFunction<Priced> price) {
        Map<Long, Map<String, Double>> byWindow = new HashMap<>();
        results.forEach(result -> byWindow.computeIfAbsent(result.windowEnd(), end -> new HashMap<>())
                .put(result.zoneId(), price.applyAsDouble(result)));
        List<Double> gaps = new ArrayList<>();
        for (Map<String, Double> window : byWindow.values()) {
            window.forEach((zone, multiplier) -> {
                for (String neighbour : ZoneNeighbours.of(zone)) {
                    Double there = window.get(neighbour);
                    if (there != null && zone.compareTo(neighbour) < 0) {
                        gaps.add(Math.abs(multiplier - there));
                    }
                }
            });
        }
        return gaps.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double percentile(double[] values, double fraction) {
        if (values.length == 0) {
            return 0;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
    }
}
