package io.surge.testing;

import io.surge.event.RecordOrigin;
import io.surge.event.ZoneEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** Readable zone-event fixtures: {@code ride("A").at(12)} is a ride request in zone A, 12 s after {@link #T0}. */
public final class Events {

    /** A moment aligned to every slide used in tests, so window boundaries fall on whole seconds after it. */
    public static final Instant T0 = Instant.parse("2026-11-25T08:00:00Z");

    private static long nextOffset;

    private Events() {}

    public static long at(double secondsAfterT0) {
        return T0.plus(Duration.ofMillis(Math.round(secondsAfterT0 * 1000))).toEpochMilli();
    }

    public static Builder ride(String zone) {
        return new Builder(zone, ZoneEvent.Kind.RIDE_REQUEST, null, false);
    }

    public static Builder driver(String id, String zone, boolean available) {
        return new Builder(zone, ZoneEvent.Kind.DRIVER_STATUS, id, available);
    }

    /** An origin with a unique offset, so a diverted record can be told apart from the others. */
    public static synchronized RecordOrigin origin(String topic) {
        long offset = nextOffset++;
        return new RecordOrigin(topic, 0, offset, null, ("record-" + offset).getBytes(StandardCharsets.UTF_8));
    }

    public static final class Builder {
        private final String zone;
        private final ZoneEvent.Kind kind;
        private final String driverId;
        private final boolean available;

        private Builder(String zone, ZoneEvent.Kind kind, String driverId, boolean available) {
            this.zone = zone;
            this.kind = kind;
            this.driverId = driverId;
            this.available = available;
        }

        public ZoneEvent at(double secondsAfterT0) {
            String topic = kind == ZoneEvent.Kind.RIDE_REQUEST ? "ride-requests" : "driver-status";
            return new ZoneEvent(zone, Events.at(secondsAfterT0), kind, driverId, available, origin(topic));
        }
    }
}
