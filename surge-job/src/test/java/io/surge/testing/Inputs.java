package io.surge.testing;

import io.surge.avro.DriverStatus;
import io.surge.avro.RideRequest;
import java.time.Instant;

/** Input records as producers send them. */
public final class Inputs {

    private Inputs() {}

    public static RideRequest rideRequest(String requestId, double lat, double lon, long eventTime) {
        return RideRequest.newBuilder()
                .setRequestId(requestId)
                .setUserId("user-of-" + requestId)
                .setLat(lat)
                .setLon(lon)
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .build();
    }

    public static DriverStatus driverStatus(
            String driverId, double lat, double lon, boolean available, long eventTime) {
        return DriverStatus.newBuilder()
                .setDriverId(driverId)
                .setLat(lat)
                .setLon(lon)
                .setAvailable(available)
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .build();
    }
}
