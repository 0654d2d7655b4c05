package io.surge.dashboard;

import io.surge.alerts.OpenEpisodes;
import io.surge.avro.SurgeAlert;
import io.surge.avro.SurgeMultiplier;
import io.surge.io.kafka.OutputSerializers;
import io.surge.time.Clock;
import io.surge.zone.ZoneBoundaries;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the dashboard shows, built from the result topics as they are read: each zone's latest multiplier, the latest
 * alerts, and the input rate. Fed by one thread, read by the server's; every method is synchronized.
 *
 * <p>A zone whose latest result is more than {@link #QUIET_ZONE_KEPT} of event time older than the latest window
 * anywhere is dropped, so the view stays as large as the zones that are active. Anyone who can write to the
 * multipliers topic can write any result there: one whose window ends more than {@link #FUTURE_KEPT} after the clock
 * is ignored (it would make every real zone look quiet and empty the map), and at most {@link #MAX_ZONES} zones are
 * kept, those with the latest windows.
 */
final class CityView {

    static final Duration FUTURE_KEPT = Duration.ofMinutes(5);
    static final int MAX_ZONES = 50_000;

    static final int ALERTS_SHOWN = 30;
    /** The input rate is averaged over this many one-second samples: results arrive in bursts, one per checkpoint. */
    private static final int RATE_SAMPLES = 5;

    static final Duration QUIET_ZONE_KEPT = Duration.ofMinutes(10);

    /**
     * One zone as drawn: its latest result and its corners as {lat, lon} pairs.
     *
     * @param multiplier the published price
     * @param rawMultiplier the zone's own demand / supply, clamped, before the pricing policy
     */
    record Zone(
            String id,
            long demand,
            long supply,
            double multiplier,
            double rawMultiplier,
            long windowStart,
            long windowEnd,
            List<double[]> boundary) {}

    /**
     * @param time when its match ended, or its episode resolved
     * @param open whether it is the {@code FIRING} record of an episode not resolved yet
     */
    record Alert(
            String id,
            String rule,
            String severity,
            String zone,
            String summary,
            long time,
            String status,
            String episode,
            boolean open) {}

    /**
     * @param zonesActive zones with a result for the latest window
     * @param maxMultiplier the highest multiplier among them
     * @param lastUpdate wall-clock time of the latest result or alert read, epoch ms; 0 before the first
     * @param feedError why the topics cannot be read right now, or null while they can
     * @param openEpisodes the episodes read as firing and not yet as resolved
     */
    record Snapshot(
            long eventsPerSecond,
            int zonesActive,
            double maxMultiplier,
            long latestWindowEnd,
            long lastUpdate,
            String feedError,
            List<Zone> zones,
            List<Alert> alerts,
            int openEpisodes) {}

    private final Clock clock;
    private final Map<String, Zone> zones = new HashMap<>();
    private final Deque<Alert> alerts = new ArrayDeque<>();
    private final OpenEpisodes episodes = new OpenEpisodes();
    private final Deque<long[]> inputSamples = new ArrayDeque<>();
    private long latestWindowEnd;
    private long lastUpdate;
    private String feedError;

    CityView(Clock clock) {
        this.clock = clock;
    }

    synchronized void take(SurgeMultiplier result) {
        long windowEnd = result.getWindowEnd().toEpochMilli();
        if (windowEnd > clock.millis() + FUTURE_KEPT.toMillis()) {
            return;
        }
        Zone known = zones.get(result.getZoneId());
        if (known == null || windowEnd >= known.windowEnd()) {
            List<double[]> boundary = known == null ? ZoneBoundaries.of(result.getZoneId()) : known.boundary();
            zones.put(
                    result.getZoneId(),
                    new Zone(
                            result.getZoneId(),
                            result.getDemand(),
                            result.getSupply(),
                            result.getMultiplier(),
                            OutputSerializers.rawMultiplier(result),
                            result.getWindowStart().toEpochMilli(),
                            windowEnd,
                            boundary));
            if (zones.size() > MAX_ZONES) {
                keepLatest(MAX_ZONES * 9 / 10);
            }
        }
        latestWindowEnd = Math.max(latestWindowEnd, windowEnd);
        lastUpdate = System.currentTimeMillis();
    }

    /** Drops all zones but the {@code count} with the latest windows, at once, so that it runs rarely. */
    private void keepLatest(int count) {
        List<Zone> newest = new ArrayList<>(zones.values());
        newest.sort(Comparator.comparingLong(Zone::windowEnd).reversed());
        newest.subList(count, newest.size()).forEach(zone -> zones.remove(zone.id()));
    }

    synchronized void take(SurgeAlert alert) {
        episodes.take(alert);
        long time = OpenEpisodes.occurredAt(alert).toEpochMilli();
        alerts.addFirst(new Alert(
                alert.getAlertId(),
                alert.getRule(),
                alert.getSeverity().name(),
                alert.getZoneId(),
                alert.getSummary(),
                time,
                alert.getStatus().name(),
                alert.getEpisodeId(),
                false));
        while (alerts.size() > ALERTS_SHOWN) {
            alerts.removeLast();
        }
        lastUpdate = System.currentTimeMillis();
    }

    /** @param inputRecords all records ever written to the input topics, as their end offsets say */
    synchronized void inputRecords(long inputRecords, long atMillis) {
        inputSamples.addLast(new long[] {inputRecords, atMillis});
        while (inputSamples.size() > RATE_SAMPLES) {
            inputSamples.removeFirst();
        }
    }

    synchronized void feedError(String error) {
        feedError = error;
    }

    synchronized Snapshot snapshot() {
        long keptFrom = latestWindowEnd - QUIET_ZONE_KEPT.toMillis();
        zones.values().removeIf(zone -> zone.windowEnd() < keptFrom);
        List<Zone> all = new ArrayList<>(zones.values());
        List<Zone> active =
                all.stream().filter(zone -> zone.windowEnd() == latestWindowEnd).toList();
        double max = active.stream().mapToDouble(Zone::multiplier).max().orElse(0);
        List<Alert> feed = alerts.stream()
                .map(alert -> new Alert(
                        alert.id(),
                        alert.rule(),
                        alert.severity(),
                        alert.zone(),
                        alert.summary(),
                        alert.time(),
                        alert.status(),
                        alert.episode(),
                        alert.status().equals("FIRING") && episodes.isOpen(alert.episode())))
                .toList();
        return new Snapshot(
                eventsPerSecond(),
                active.size(),
                max,
                latestWindowEnd,
                lastUpdate,
                feedError,
                all,
                feed,
                episodes.size());
    }

    private long eventsPerSecond() {
        if (inputSamples.size() < 2) {
            return 0;
        }
        long[] first = inputSamples.getFirst();
        long[] last = inputSamples.getLast();
        return (last[0] - first[0]) * 1000 / Math.max(1, last[1] - first[1]);
    }
}
