package io.surge.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.avro.DriverStatus;
import io.surge.avro.RideRequest;
import io.surge.testing.Events;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CityTrafficTest {

    private static final long START = Events.at(0);

    @Test
    void theSameSeedAndStartGiveTheSameEvents() {
        assertThat(play(new CityTraffic(7, 300, 300, START, true), 600))
                .isEqualTo(play(new CityTraffic(7, 300, 300, START, true), 600));
        assertThat(play(new CityTraffic(8, 300, 300, START, true), 50))
                .isNotEqualTo(play(new CityTraffic(7, 300, 300, START, true), 50));
    }

    @Test
    void theCityHasTheZonesAndRoughlyTheRateAskedFor() {
        CityTraffic city = new CityTraffic(7, 300, 300, START, false);
        List<Object> minute = play(city, 600);

        assertThat(city.zones()).isBetween(280, 320);
        // 60 s at about 300 events/s (08:00 New York time is a rush hour, so somewhat more)
        assertThat(minute.size()).isBetween(12_000, 30_000);
        assertThat(minute).allSatisfy(event -> assertThat(eventTime(event)).isBetween(START - 5_000, START + 65_000));
    }

    @Test
    void theIncidentsScenarioLetsAConcertOutAndTakesTheWilliamsburgDriversOffline() {
        List<Object> events = play(new CityTraffic(7, 300, 300, START, true), 450);

        long concertRequests = events.stream()
                .filter(e -> e instanceof RideRequest r
                        && inCell(r.getLat(), r.getLon(), CityTraffic.CONCERT)
                        && eventTime(e) >= START + 20_000
                        && eventTime(e) < START + 30_000)
                .count();
        assertThat(concertRequests).isGreaterThan(60);
        long driversLost = events.stream()
                .filter(e -> e instanceof DriverStatus s
                        && !s.getAvailable()
                        && inCell(s.getLat(), s.getLon(), CityTraffic.OUTAGE)
                        && eventTime(e) >= START + 35_000
                        && eventTime(e) < START + 40_000)
                .map(e -> ((DriverStatus) e).getDriverId())
                .distinct()
                .count();
        assertThat(driversLost)
                .as("enough for driver-exodus and supply-collapse")
                .isGreaterThanOrEqualTo(8);
    }

    private static List<Object> play(CityTraffic city, int steps) {
        List<Object> events = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            events.addAll(city.step());
        }
        return events;
    }

    private static long eventTime(Object event) {
        return event instanceof RideRequest r
                ? r.getEventTime().toEpochMilli()
                : ((DriverStatus) event).getEventTime().toEpochMilli();
    }

    private static boolean inCell(double lat, double lon, double[] cell) {
        return Math.floor(lat * 100) == Math.floor(cell[0] * 100) && Math.floor(lon * 100) == Math.floor(cell[1] * 100);
    }
}
