package io.surge.pricing;

import io.surge.event.ZoneEvent;
import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.util.MathUtils;

/**
 * What a driver's statuses tell the zones ({@link DriverWhereabouts}, where the reasoning is). A driver's trail is its
 * statuses by zone, each zone's as pairs of event time and the watermark the status met, by ascending event time.
 * Pure: whoever keeps the trail, a Flink function or another engine's processor, asks this what it becomes and what
 * to send.
 */
public final class DriverTrail implements Serializable {

    private static final long serialVersionUID = 1L;

    private final WindowSpec window;

    public DriverTrail(WindowSpec window) {
        this.window = window;
    }

    /**
     * The driver's trail once {@code status} is on it and what is past by {@code watermark} is forgotten; {@code known}
     * is the trail before it, null for none, and is not changed. The notes the status causes go to {@code notes}.
     */
    public Map<String, long[]> after(
            Map<String, long[]> known, ZoneEvent status, long watermark, Consumer<ZoneEvent> notes) {
        Map<String, long[]> kept = stillPending(known, watermark);
        kept.forEach((zone, statuses) -> {
            if (!zone.equals(status.zoneId())) {
                notes(status, zone, statuses, notes);
            }
        });
        if (!window.isLate(window.sliceOf(status.eventTime()), Math.max(watermark, status.metWatermark()))) {
            kept.put(status.zoneId(), with(kept.get(status.zoneId()), status));
        }
        return kept;
    }

    /** The trail without the statuses past by {@code watermark}, every window of them emitted; empty for none. */
    public Map<String, long[]> stillPending(Map<String, long[]> known, long watermark) {
        Map<String, long[]> kept = new HashMap<>();
        if (known != null) {
            known.forEach((zone, statuses) -> {
                long[] pending = stillPending(statuses, watermark);
                if (pending.length > 0) {
                    kept.put(zone, pending);
                }
            });
        }
        return kept;
    }

    /**
     * When {@code driverId}'s trail is worth forgetting: once its latest status is past, every window of it emitted,
     * and then the driver's own share of a slide later. A status prunes what is past anyway, so this only bounds what
     * a driver that stopped reporting leaves behind; spread over the slide, the drivers' trails are not all read and
     * rewritten at the one watermark that closes a window, which the windows downstream wait for.
     */
    public long forgottenAt(String driverId, Map<String, long[]> trail) {
        long latest = Long.MIN_VALUE;
        for (long[] statuses : trail.values()) {
            latest = Math.max(latest, statuses[statuses.length - 2]);
        }
        // mixed, as drivers' ids differ in a digit or two
        return pastAt(latest) + MathUtils.murmurHash(driverId.hashCode()) % window.slideMillis();
    }

    /**
     * The notes {@code status} causes, given the driver's {@code statuses} in another zone, {@code zone}: to that zone,
     * if the driver was there up to one window before, a note at the status's time; to the status's zone, a note at
     * each of the times the driver was there up to one window after.
     */
    private void notes(ZoneEvent status, String zone, long[] statuses, Consumer<ZoneEvent> out) {
        long time = status.eventTime();
        long slice = window.sliceOf(time);
        boolean earlierThere = false;
        for (int i = 0; i < statuses.length; i += 2) {
            long there = statuses[i];
            if (Math.abs(slice - window.sliceOf(there)) < window.slicesPerWindow()) {
                earlierThere |= there <= time;
                if (there >= time) {
                    out.accept(ZoneEvent.driverElsewhere(status.zoneId(), there, status.driverId(), statuses[i + 1]));
                }
            }
        }
        if (earlierThere) {
            out.accept(ZoneEvent.driverElsewhere(zone, time, status.driverId(), status.metWatermark()));
        }
    }

    /** The statuses a window not yet emitted by {@code watermark} holds: the same array when all are. */
    private long[] stillPending(long[] statuses, long watermark) {
        int first = 0;
        while (first < statuses.length && window.isLate(window.sliceOf(statuses[first]), watermark)) {
            first += 2;
        }
        return first == 0 ? statuses : Arrays.copyOfRange(statuses, first, statuses.length);
    }

    /**
     * {@code statuses}, null for none, with {@code status} in its place. Of two at the same time, the one that met the
     * lower watermark counts in every window the other does, so it is the one kept.
     */
    private static long[] with(long[] statuses, ZoneEvent status) {
        long time = status.eventTime();
        long watermark = status.metWatermark();
        if (statuses == null) {
            return new long[] {time, watermark};
        }
        int insert = 0;
        while (insert < statuses.length && statuses[insert] < time) {
            insert += 2;
        }
        if (insert < statuses.length && statuses[insert] == time) {
            if (statuses[insert + 1] <= watermark) {
                return statuses;
            }
            long[] lower = statuses.clone();
            lower[insert + 1] = watermark;
            return lower;
        }
        long[] more = new long[statuses.length + 2];
        System.arraycopy(statuses, 0, more, 0, insert);
        more[insert] = time;
        more[insert + 1] = watermark;
        System.arraycopy(statuses, insert, more, insert + 2, statuses.length - insert);
        return more;
    }

    /** The watermark at which a status at {@code eventTime} is past, every window of it emitted. */
    private long pastAt(long eventTime) {
        return window.emitTime(window.sliceOf(eventTime) + window.slicesPerWindow());
    }
}
