package io.surge.ingest;

import static io.surge.testing.Inputs.driverStatus;
import static io.surge.testing.Inputs.rideRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.surge.avro.RideRequest;
import io.surge.event.Ingested;
import io.surge.event.Reason;
import io.surge.event.RecordOrigin;
import io.surge.event.ZoneEvent;
import io.surge.testing.Events;
import io.surge.zone.Area;
import io.surge.zone.GridZones;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InputValidationTest {

    private static final long NOW = Events.at(0);
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private final InputValidation validation =
            new InputValidation(new GridZones(), List.of(), Duration.ofHours(1), () -> NOW);
    private final RecordOrigin origin = Events.origin("ride-requests");

    @Test
    void aValidRideRequestBecomesDemandInItsZone() {
        Ingested ingested = validation.rideRequest(rideRequest("r1", 40.7128, -74.0060, NOW - 1000), origin);

        assertThat(ingested.isAccepted()).isTrue();
        assertThat(ingested.event())
                .isEqualTo(
                        new ZoneEvent("zone_4071_-7401", NOW - 1000, ZoneEvent.Kind.RIDE_REQUEST, null, false, origin));
    }

    @Test
    void aValidDriverStatusKeepsTheDriverAndItsAvailability() {
        Ingested ingested = validation.driverStatus(driverStatus("d7", -33.8688, 151.2093, true, NOW), origin);

        assertThat(ingested.event())
                .isEqualTo(new ZoneEvent("zone_-3387_15120", NOW, ZoneEvent.Kind.DRIVER_STATUS, "d7", true, origin));
    }

    @ParameterizedTest(name = "lat {0}, lon {1}: {2}")
    @CsvSource({
        "NaN, 0, lat is NaN",
        "0, Infinity, lon is Infinity",
        "-Infinity, 0, lat is -Infinity",
        "90.0001, 0, lat is 90.0001",
        "-91, 0, lat is -91.0",
        "0, 180.5, lon is 180.5",
        "0, -181, lon is -181.0",
    })
    void impossibleCoordinatesAreDivertedNamingTheField(double lat, double lon, String problem) {
        assertInvalid(validation.rideRequest(rideRequest("r1", lat, lon, NOW), origin), problem);
        assertInvalid(validation.driverStatus(driverStatus("d1", lat, lon, true, NOW), origin), problem);
    }

    @Test
    void theEdgesOfTheMapAreValid() {
        assertThat(validation
                        .rideRequest(rideRequest("r1", 90, 180, NOW), origin)
                        .isAccepted())
                .isTrue();
        assertThat(validation
                        .rideRequest(rideRequest("r1", -90, -180, NOW), origin)
                        .isAccepted())
                .isTrue();
    }

    @Test
    void emptyBlankAndHugeIdsAreDiverted() {
        assertInvalid(validation.rideRequest(rideRequest("", 1, 1, NOW), origin), "request_id is empty");
        RideRequest blankUser = rideRequest("r1", 1, 1, NOW);
        blankUser.setUserId("   ");
        assertInvalid(validation.rideRequest(blankUser, origin), "user_id is empty");
        String huge = "d".repeat(InputValidation.MAX_ID_LENGTH + 1);
        assertInvalid(
                validation.driverStatus(driverStatus(huge, 1, 1, true, NOW), origin), "driver_id is 257 characters");
        String longest = "d".repeat(InputValidation.MAX_ID_LENGTH);
        assertThat(validation
                        .driverStatus(driverStatus(longest, 1, 1, true, NOW), origin)
                        .isAccepted())
                .isTrue();
    }

    @Test
    void eventTimesBefore1970AreInvalidAndThoseMoreThanTheSkewAheadComeFromAFastClock() {
        assertInvalid(validation.rideRequest(rideRequest("r1", 1, 1, -1), origin), "before 1970");
        assertDiverted(
                validation.driverStatus(driverStatus("d1", 1, 1, true, NOW + HOUR + 1), origin),
                Reason.FUTURE_EVENT_TIME,
                "ahead of processing time");
        assertDiverted(
                validation.rideRequest(rideRequest("r1", 1, 1, NOW + HOUR + 1), origin),
                Reason.FUTURE_EVENT_TIME,
                "the producer's clock runs fast");
        // an invalid field is named first, whatever the clock
        assertInvalid(validation.rideRequest(rideRequest("r1", 91, 1, NOW + HOUR + 1), origin), "lat is 91");
        assertThat(validation
                        .driverStatus(driverStatus("d1", 1, 1, true, NOW + HOUR), origin)
                        .isAccepted())
                .isTrue();
        assertThat(validation.rideRequest(rideRequest("r1", 1, 1, 0), origin).isAccepted())
                .isTrue();
    }

    @Test
    void withBoundsOnlyRecordsInsideABoxCountAndTheRestAreOutOfArea() {
        // Manhattan, and a box across the river: any coordinate on Earth is in one, or out of area
        InputValidation bounded = new InputValidation(
                new GridZones(),
                List.of(new Area(40.70, -74.02, 40.88, -73.91), new Area(40.57, -74.04, 40.74, -73.83)),
                Duration.ofSeconds(30),
                () -> NOW);
        Random random = new Random(30);
        int inside = 0;
        for (int i = 0; i < 50_000; i++) {
            // most anywhere on Earth, some near the city
            double lat = i % 10 == 0 ? 40.5 + random.nextDouble() * 0.5 : -90 + random.nextDouble() * 180;
            double lon = i % 10 == 0 ? -74.1 + random.nextDouble() * 0.4 : -180 + random.nextDouble() * 360;
            boolean expectedInside = (lat >= 40.70 && lat < 40.88 && lon >= -74.02 && lon < -73.91)
                    || (lat >= 40.57 && lat < 40.74 && lon >= -74.04 && lon < -73.83);
            Ingested ingested = i % 2 == 0
                    ? bounded.rideRequest(rideRequest("r" + i, lat, lon, NOW), origin)
                    : bounded.driverStatus(driverStatus("d" + i, lat, lon, true, NOW), origin);
            if (expectedInside) {
                inside++;
                assertThat(ingested.isAccepted()).as("%s, %s", lat, lon).isTrue();
            } else {
                assertDiverted(ingested, Reason.OUT_OF_AREA, "outside every box of zones.bounds");
            }
        }
        assertThat(inside).as("some near the city are inside").isBetween(500, 5_000);
        // an impossible coordinate is invalid before it is out of the area
        assertInvalid(bounded.rideRequest(rideRequest("r1", 95, 1, NOW), origin), "lat is 95");
    }

    private void assertInvalid(Ingested ingested, String problem) {
        assertDiverted(ingested, Reason.INVALID_FIELD, problem);
    }

    private void assertDiverted(Ingested ingested, Reason reason, String problem) {
        assertThat(ingested.isAccepted()).isFalse();
        assertThat(ingested.diverted().reason()).isEqualTo(reason);
        assertThat(ingested.diverted().detail()).contains(problem);
        assertThat(ingested.diverted().origin()).isSameAs(origin);
    }
}
