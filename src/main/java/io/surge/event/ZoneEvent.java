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

    public enum Kind {
        RIDE_REQUEST,
        DRIVER_STATUS
    }

    public boolean isRideRequest() {
        return kind == Kind.RIDE_REQUEST;
    }
}
