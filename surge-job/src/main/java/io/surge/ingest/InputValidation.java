package io.surge.ingest;

import io.surge.avro.DriverStatus;
import io.surge.avro.RideRequest;
import io.surge.event.Ingested;
import io.surge.event.Reason;
import io.surge.event.RecordOrigin;
import io.surge.event.ZoneEvent;
import io.surge.time.Clock;
import io.surge.zone.Area;
import io.surge.zone.ZoneResolver;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Turns a decoded input record into a {@link ZoneEvent}, or diverts it as {@code invalid-field}, {@code out-of-area}
 * or {@code future-event-time} with a sentence naming the field and what was wrong. It runs before watermarks are
 * generated, so an absurd timestamp can never move the watermark and make good records late.
 */
public final class InputValidation implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Ids are opaque, but one this long is a bug upstream, and it would bloat every state entry it lands in. */
    public static final int MAX_ID_LENGTH = 256;

    private final ZoneResolver zones;
    private final List<Area> bounds;
    private final long maxFutureSkewMillis;
    private final Clock clock;

    /** @param bounds where records are taken; empty for anywhere */
    public InputValidation(ZoneResolver zones, List<Area> bounds, Duration maxFutureSkew, Clock clock) {
        this.zones = zones;
        this.bounds = List.copyOf(bounds);
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
        this.clock = clock;
    }

    public static InputValidation of(InputSettings input, Clock clock) {
        return new InputValidation(input.zoneResolver(), input.bounds(), input.maxFutureSkew(), clock);
    }

    public Ingested rideRequest(RideRequest request, RecordOrigin origin) {
        String problem = firstProblem(
                idProblem("request_id", request.getRequestId()),
                idProblem("user_id", request.getUserId()),
                coordinateProblem(request.getLat(), request.getLon()),
                timeProblem(request.getEventTime()));
        return judged(
                problem,
                request.getLat(),
                request.getLon(),
                request.getEventTime(),
                origin,
                () -> new ZoneEvent(
                        zones.zoneOf(request.getLat(), request.getLon()),
                        request.getEventTime().toEpochMilli(),
                        ZoneEvent.Kind.RIDE_REQUEST,
                        null,
                        false,
                        origin));
    }

    public Ingested driverStatus(DriverStatus status, RecordOrigin origin) {
        String problem = firstProblem(
                idProblem("driver_id", status.getDriverId()),
                coordinateProblem(status.getLat(), status.getLon()),
                timeProblem(status.getEventTime()));
        return judged(
                problem,
                status.getLat(),
                status.getLon(),
                status.getEventTime(),
                origin,
                () -> new ZoneEvent(
                        zones.zoneOf(status.getLat(), status.getLon()),
                        status.getEventTime().toEpochMilli(),
                        ZoneEvent.Kind.DRIVER_STATUS,
                        status.getDriverId(),
                        status.getAvailable(),
                        origin));
    }

    /** Invalid if a field is; else out of the area, else ahead of the clock, if it is; else the zone event. */
    private Ingested judged(
            String problem, double lat, double lon, Instant eventTime, RecordOrigin origin, Supplier<ZoneEvent> event) {
        if (problem != null) {
            return Ingested.diverted(Reason.INVALID_FIELD, problem, origin);
        }
        if (!bounds.isEmpty() && bounds.stream().noneMatch(area -> area.contains(lat, lon))) {
            return Ingested.diverted(
                    Reason.OUT_OF_AREA,
                    "lat " + lat + ", lon " + lon + " is outside every box" + " of zones.bounds",
                    origin);
        }
        String ahead = aheadOfTheClock(eventTime);
        return ahead != null
                ? Ingested.diverted(Reason.FUTURE_EVENT_TIME, ahead, origin)
                : Ingested.accepted(event.get());
    }

    private static String firstProblem(String... problems) {
        for (String problem : problems) {
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String idProblem(String field, String id) {
        if (id == null || id.isBlank()) {
            return field + " is empty; every record needs a non-blank " + field;
        }
        if (id.length() > MAX_ID_LENGTH) {
            return field + " is " + id.length() + " characters long; at most " + MAX_ID_LENGTH + " are accepted";
        }
        return null;
    }

    private static String coordinateProblem(double lat, double lon) {
        if (!Double.isFinite(lat) || lat < -90 || lat > 90) {
            return "lat is " + lat + "; a latitude must be a finite number in [-90, 90]";
        }
        if (!Double.isFinite(lon) || lon < -180 || lon > 180) {
            return "lon is " + lon + "; a longitude must be a finite number in [-180, 180]";
        }
        return null;
    }

    private String timeProblem(Instant eventTime) {
        if (eventTime == null) {
            return "event_time is missing";
        }
        long millis = eventTime.toEpochMilli();
        if (millis < 0) {
            return "event_time " + eventTime + " is before 1970; event times are UTC epoch milliseconds";
        }
        return null;
    }

    /** Of a valid event time. */
    private String aheadOfTheClock(Instant eventTime) {
        long now = clock.millis();
        long ahead = eventTime.toEpochMilli() - now;
        if (ahead > maxFutureSkewMillis) {
            return "event_time " + eventTime + " is " + Duration.ofMillis(ahead) + " ahead of processing time "
                    + Instant.ofEpochMilli(now) + "; at most " + Duration.ofMillis(maxFutureSkewMillis)
                    + " is accepted (input.max-future-skew): the producer's clock runs fast";
        }
        return null;
    }
}
