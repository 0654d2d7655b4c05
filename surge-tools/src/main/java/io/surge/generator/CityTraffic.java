package io.surge.generator;

import io.surge.avro.DriverStatus;
import io.surge.avro.RideRequest;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;

/**
 * A city's ride requests and driver statuses, simulated in 100 ms steps: a grid of zones around Times Square with
 * demand highest in the centre, morning and evening peaks (New York time), drivers that roam, take trips and go on
 * and off duty, and scripted incidents. The same seed and start give the same events, however fast they are played.
 *
 * <p>Available drivers report their position every 5 s (that is what makes them supply); a driver reports once when
 * becoming busy or going off duty, and then stays silent until available again.
 */
public final class CityTraffic {

    static final long STEP_MILLIS = 100;
    private static final double CENTRE_LAT = 40.7580;
    private static final double CENTRE_LON = -73.9855;
    private static final double CELL = 0.01;
    private static final long HEARTBEAT_MILLIS = 5_000;
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    /** Madison Square Garden: a concert lets out 20 s after the start. */
    static final double[] CONCERT = {40.7505, -73.9934};
    /** Williamsburg: the driver app fails for every driver there 35 s after the start. */
    static final double[] OUTAGE = {40.7081, -73.9571};

    private static final long CONCERT_AT = 20_000;
    private static final long OUTAGE_AT = 35_000;

    private final Random random;
    private final int columns;
    private final int rows;
    /** Cumulative weights of the zones: where riders ask for rides, and where drivers roam (spread wider). */
    private final double[] demandWeights;

    private final double[] driverWeights;
    private final double ridesPerSecond;
    private final boolean incidents;
    private final long start;
    private final List<Driver> drivers = new ArrayList<>();
    private long now;
    private long requests;

    /**
     * @param ratePerSecond the events per second to aim at, across both inputs, at normal times of day
     * @param incidents whether to play the scripted concert and driver outage
     */
    public CityTraffic(long seed, int zones, double ratePerSecond, long startMillis, boolean incidents) {
        this.random = new Random(seed);
        this.columns = (int) Math.max(1, Math.round(Math.sqrt(zones * 4.0 / 3.0)));
        this.rows = Math.max(1, (int) Math.round((double) zones / columns));
        this.demandWeights = zoneWeights(4.0);
        this.driverWeights = zoneWeights(8.0);
        this.incidents = incidents;
        this.start = startMillis;
        this.now = startMillis;
        // Heartbeats dominate: with about seven driver statuses per ride request, a zone's available drivers slightly
        // outnumber its requests over a 30 s window, so most zones price at 1.0 and surges stand out.
        this.ridesPerSecond = ratePerSecond / 8;
        int driverCount = (int) Math.max(20, Math.round(ridesPerSecond * 48));
        for (int i = 0; i < driverCount; i++) {
            double[] point = randomPoint(driverWeights);
            drivers.add(new Driver(
                    "driver-" + i,
                    point[0],
                    point[1],
                    random.nextDouble() < 0.85,
                    false,
                    random.nextLong(HEARTBEAT_MILLIS)));
        }
        if (incidents) {
            // Drivers who wait near the venue and those in the outage area, so both zones start out calm and healthy.
            for (int i = 0; i < 6; i++) {
                drivers.add(new Driver("venue-driver-" + i, CONCERT[0], CONCERT[1], true, true, i * 700L));
            }
            for (int i = 0; i < 8; i++) {
                drivers.add(new Driver("williamsburg-driver-" + i, OUTAGE[0], OUTAGE[1], true, true, i * 600L));
            }
        }
    }

    public int zones() {
        return columns * rows;
    }

    public int drivers() {
        return drivers.size();
    }

    /** The events of the next 100 ms of city time, in the order they are sent. */
    public List<SpecificRecord> step() {
        List<SpecificRecord> events = new ArrayList<>();
        long stepEnd = now + STEP_MILLIS;
        double demand = ridesPerSecond * peakFactor(now) * STEP_MILLIS / 1000.0;
        for (int i = 0; i < poisson(demand); i++) {
            double[] point = randomPoint(demandWeights);
            events.add(ride(point[0], point[1], now + random.nextLong(STEP_MILLIS)));
            assignTrip(point);
        }
        if (incidents) {
            playIncidents(events);
        }
        for (Driver driver : drivers) {
            driver.advance(events, stepEnd);
        }
        now = stepEnd;
        return events;
    }

    public long now() {
        return now;
    }

    private void playIncidents(List<SpecificRecord> events) {
        long sinceStart = now - start;
        if (sinceStart >= CONCERT_AT && sinceStart < CONCERT_AT + 10_000) {
            for (int i = 0; i < poisson(1.0); i++) { // 10 requests a second for 10 s
                events.add(ride(
                        CONCERT[0] + random.nextDouble() * 0.004,
                        CONCERT[1] + random.nextDouble() * 0.004,
                        now + random.nextLong(STEP_MILLIS)));
            }
        }
        if (sinceStart >= OUTAGE_AT && sinceStart < OUTAGE_AT + STEP_MILLIS) {
            long at = now;
            for (Driver driver : drivers) {
                if (driver.available && inCell(driver, OUTAGE)) {
                    at += 300;
                    driver.goOffDuty(events, at);
                }
            }
        }
    }

    /** A ride is taken, sometimes, by an available driver nearby, who is then busy for half a minute to two. */
    private void assignTrip(double[] pickup) {
        if (random.nextDouble() > 0.05) {
            return;
        }
        for (int tries = 0; tries < 8; tries++) {
            Driver driver = drivers.get(random.nextInt(drivers.size()));
            if (driver.available
                    && !driver.pinned
                    && Math.abs(driver.lat - pickup[0]) < 2 * CELL
                    && Math.abs(driver.lon - pickup[1]) < 2 * CELL) {
                driver.busyUntil = now + 30_000 + random.nextLong(90_000);
                driver.becomeBusy = true;
                return;
            }
        }
    }

    private static boolean inCell(Driver driver, double[] point) {
        return Math.floor(driver.lat * 100) == Math.floor(point[0] * 100)
                && Math.floor(driver.lon * 100) == Math.floor(point[1] * 100);
    }

    private RideRequest ride(double lat, double lon, long eventTime) {
        long id = requests++;
        return RideRequest.newBuilder()
                .setRequestId("ride-" + id)
                .setUserId("rider-" + random.nextInt(50_000))
                .setLat(lat)
                .setLon(lon)
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .build();
    }

    /** Morning and evening rush hours in New York carry more demand, nights much less. */
    private static double peakFactor(long millis) {
        int hour = Instant.ofEpochMilli(millis).atZone(NEW_YORK).getHour();
        if ((hour >= 7 && hour < 10) || (hour >= 17 && hour < 20)) {
            return 1.6;
        }
        return hour < 6 ? 0.4 : 1.0;
    }

    private double[] zoneWeights(double spreadInCells) {
        double[] weights = new double[columns * rows];
        double total = 0;
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                double dx = column - (columns - 1) / 2.0;
                double dy = row - (rows - 1) / 2.0;
                double weight = Math.exp(-Math.sqrt(dx * dx + dy * dy) / spreadInCells);
                weights[row * columns + column] = weight;
                total += weight;
            }
        }
        double cumulative = 0;
        for (int i = 0; i < weights.length; i++) {
            cumulative += weights[i] / total;
            weights[i] = cumulative;
        }
        return weights;
    }

    /** A point in a zone drawn by weight, uniformly within the zone. */
    private double[] randomPoint(double[] weights) {
        double draw = random.nextDouble();
        int zone = 0;
        while (zone < weights.length - 1 && weights[zone] < draw) {
            zone++;
        }
        int row = zone / columns;
        int column = zone % columns;
        double lat = CENTRE_LAT + (row - rows / 2) * CELL + random.nextDouble() * CELL;
        double lon = CENTRE_LON + (column - columns / 2) * CELL + random.nextDouble() * CELL;
        return new double[] {lat, lon};
    }

    private int poisson(double mean) {
        int count = 0;
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        while (product > limit) {
            count++;
            product *= random.nextDouble();
        }
        return count;
    }

    /** One driver: where they are, whether they can take a ride, and when they next report. */
    private final class Driver {
        final String id;
        final boolean pinned;
        double lat;
        double lon;
        boolean available;
        boolean becomeBusy;
        long busyUntil;
        long nextHeartbeat;

        Driver(String id, double lat, double lon, boolean available, boolean pinned, long heartbeatOffset) {
            this.id = id;
            this.lat = lat;
            this.lon = lon;
            this.available = available;
            this.pinned = pinned;
            this.nextHeartbeat = now + heartbeatOffset;
        }

        void advance(List<SpecificRecord> events, long stepEnd) {
            if (becomeBusy) {
                becomeBusy = false;
                available = false;
                events.add(status(now + random.nextLong(STEP_MILLIS)));
                return;
            }
            if (!available && busyUntil > 0 && busyUntil < stepEnd) {
                // the trip ends somewhere else in the city
                double[] dropOff = randomPoint(driverWeights);
                lat = dropOff[0];
                lon = dropOff[1];
                available = true;
                busyUntil = 0;
                nextHeartbeat = now;
            } else if (!pinned && random.nextDouble() < 0.00002) {
                available = !available; // going off or coming on duty
                nextHeartbeat = now;
                if (!available) {
                    events.add(status(now));
                    return;
                }
            }
            if (available && nextHeartbeat < stepEnd) {
                if (!pinned) {
                    lat += (random.nextDouble() - 0.5) * 0.0004;
                    lon += (random.nextDouble() - 0.5) * 0.0004;
                }
                events.add(status(Math.max(now, nextHeartbeat)));
                nextHeartbeat += HEARTBEAT_MILLIS;
            }
        }

        void goOffDuty(List<SpecificRecord> events, long at) {
            available = false;
            busyUntil = now + 600_000;
            events.add(status(at));
        }

        DriverStatus status(long eventTime) {
            return DriverStatus.newBuilder()
                    .setDriverId(id)
                    .setLat(lat)
                    .setLon(lon)
                    .setAvailable(available)
                    .setEventTime(Instant.ofEpochMilli(eventTime))
                    .build();
        }
    }
}
