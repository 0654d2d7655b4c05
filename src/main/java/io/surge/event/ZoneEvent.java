package io.surge.event;

/**
 * A valid ride request or driver status, resolved to its zone: the one event type that both inputs become, keyed by
 * {@link #zoneId()} for the surge windows and the alert rules alike.
 *
 * @param zoneId the zone the event happened in
 * @param eventTime when it happened, epoch milliseconds UTC
 * @param kind whether it is demand (a ride request) or a driver status
 * @param driverId the driver, for a driver status; null for a ride request
 * @param available for a driver status, whether the driver can take a ride; false for a ride request
 * @param origin the source record, kept so a late event can be written out unchanged
 */
public record ZoneEvent(
        String zoneId, long eventTime, Kind kind, String driverId, boolean available, RecordOrigin origin) {

    /**
     * What the event is to the windows: demand or supply. Every place that tells them apart switches over every kind,
     * so a new input's kind is one the compiler points out wherever it must be handled.
     */
    public enum Kind {
        RIDE_REQUEST,
        DRIVER_STATUS
    }

    /** The same event, its origin reduced to where it was read from, for keeping it where its bytes are not needed. */
    public ZoneEvent withoutSourceBytes() {
        return origin == null || origin.value() == null && origin.key() == null
                ? this
                : new ZoneEvent(zoneId, eventTime, kind, driverId, available, origin.coordinates());
    }
}
