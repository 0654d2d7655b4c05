package io.surge.event;

/**
 * A valid ride request or driver status, resolved to its zone: the one event type that both inputs become, keyed by
 * {@link #zoneId()} for the surge windows and the alert rules alike; or a note that a driver was elsewhere.
 *
 * @param zoneId the zone the event happened in
 * @param eventTime when it happened, epoch milliseconds UTC
 * @param kind whether it is demand (a ride request) or a driver status
 * @param driverId the driver, for a driver status; null for a ride request
 * @param available for a driver status, whether the driver can take a ride; false for a ride request
 * @param origin the source record, kept so a late event can be written out unchanged
 * @param metWatermark the watermark the input met as it entered the job, {@code Long.MIN_VALUE} before it did: the
 *     windows that watermark had emitted are closed to it wherever it goes, whatever the order it arrives there in
 */
public record ZoneEvent(
        String zoneId,
        long eventTime,
        Kind kind,
        String driverId,
        boolean available,
        RecordOrigin origin,
        long metWatermark) {

    /** An input that has not entered the job yet. */
    public ZoneEvent(
            String zoneId, long eventTime, Kind kind, String driverId, boolean available, RecordOrigin origin) {
        this(zoneId, eventTime, kind, driverId, available, origin, Long.MIN_VALUE);
    }

    /**
     * What the event is to the windows: demand or supply. Every place that tells them apart switches over every kind,
     * so a new input's kind is one the compiler points out wherever it must be handled.
     */
    public enum Kind {
        RIDE_REQUEST,
        DRIVER_STATUS,
        /**
         * Not an input: the driver had a status in another zone at {@link #eventTime()}. It tells the zone's windows
         * that a status of the driver there is not the driver's latest, so that each driver counts in one zone per
         * window.
         */
        DRIVER_ELSEWHERE
    }

    /**
     * A note to {@code zoneId} that {@code driverId} had a status in another zone at {@code eventTime}, which met
     * {@code metWatermark}: the note counts in the windows that status counts in.
     */
    public static ZoneEvent driverElsewhere(String zoneId, long eventTime, String driverId, long metWatermark) {
        return new ZoneEvent(zoneId, eventTime, Kind.DRIVER_ELSEWHERE, driverId, false, null, metWatermark);
    }

    /** The same event, as it entered the job at {@code watermark}. */
    public ZoneEvent entered(long watermark) {
        return new ZoneEvent(zoneId, eventTime, kind, driverId, available, origin, watermark);
    }

    /** The same event, its origin reduced to where it was read from, for keeping it where its bytes are not needed. */
    public ZoneEvent withoutSourceBytes() {
        return origin == null || origin.value() == null && origin.key() == null
                ? this
                : new ZoneEvent(zoneId, eventTime, kind, driverId, available, origin.coordinates(), metWatermark);
    }
}
