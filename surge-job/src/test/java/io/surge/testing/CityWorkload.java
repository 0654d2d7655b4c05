package io.surge.testing;

import io.surge.avro.DriverStatus;
import io.surge.avro.RideRequest;
import io.surge.event.Ingested;
import io.surge.event.Reason;
import io.surge.event.RecordOrigin;
import io.surge.ingest.InputValidation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A seeded stream of ride requests and driver statuses over a 4 x 4 block of grid zones in lower Manhattan, in arrival
 * order: event times advance with jitter up to the out-of-orderness bound, a few records arrive far too late, and a
 * few are invalid in the ways the contract names. Ride requests fall anywhere; each of {@link #DRIVERS} drivers
 * drifts from where its last status was, so that drivers mostly stay in a zone for a while and now and then cross into
 * the next, within a window too. Each record remembers what the test expects of it.
 */
public final class CityWorkload {

    public static final String RIDE_TOPIC = "ride-requests";
    public static final String DRIVER_TOPIC = "driver-status";
    private static final int DRIVERS = 400;
    private static final double SOUTH = 40.70;
    private static final double WEST = -74.02;
    /** The block's side in degrees: four zones of 0.01. */
    private static final double SIDE = 0.04;
    /** How far a driver moves at most between two statuses, in degrees along each axis: a third of a zone. */
    private static final double DRIFT = 0.0033;

    private final List<Object> inputs = new ArrayList<>();
    private final List<RecordOrigin> origins = new ArrayList<>();
    private final List<SurgeOracle.Observation> valid = new ArrayList<>();
    private final Map<Long, Reason> divertedOffsets = new TreeMap<>();

    /**
     * @param startMillis event time of the first record, aligned to the slide
     * @param stepMillis event time between consecutive records
     * @param jitterMillis how far behind its slot a record may be, at most the out-of-orderness bound
     * @param lateFraction the share of records that arrive 45 to 75 s behind their slot
     * @param invalidFraction the share of records with an impossible field
     */
    public static CityWorkload generate(
            long seed,
            int count,
            long startMillis,
            long stepMillis,
            long jitterMillis,
            double lateFraction,
            double invalidFraction) {
        CityWorkload workload = new CityWorkload();
        Random random = new Random(seed);
        double[][] drivers = new double[DRIVERS][];
        for (int d = 0; d < DRIVERS; d++) {
            drivers[d] = new double[] {SOUTH + random.nextDouble() * SIDE, WEST + random.nextDouble() * SIDE};
        }
        for (int i = 0; i < count; i++) {
            long slot = startMillis + i * stepMillis;
            long eventTime = slot - (long) (random.nextDouble() * jitterMillis);
            if (random.nextDouble() < lateFraction) {
                eventTime = slot - 45_000 - random.nextInt(30_000);
            }
            boolean ride = random.nextDouble() < 0.45;
            int driver = random.nextInt(DRIVERS);
            if (!ride) {
                drivers[driver][0] = drift(drivers[driver][0], SOUTH, random);
                drivers[driver][1] = drift(drivers[driver][1], WEST, random);
            }
            double lat = ride ? SOUTH + random.nextDouble() * SIDE : drivers[driver][0];
            double lon = ride ? WEST + random.nextDouble() * SIDE : drivers[driver][1];
            Reason diverted = null;
            if (random.nextDouble() < invalidFraction) {
                diverted = Reason.INVALID_FIELD;
                switch (random.nextInt(5)) {
                    case 0 -> lat = Double.NaN;
                    case 1 -> lat = 95.0;
                    case 2 -> lon = -200.0;
                    case 3 -> eventTime = -5_000;
                    default -> {
                        eventTime = slot + 2 * 3_600_000L;
                        diverted = Reason.FUTURE_EVENT_TIME;
                    }
                }
            }
            if (ride) {
                workload.add(Inputs.rideRequest("r" + i, lat, lon, eventTime), RIDE_TOPIC, diverted, null, false);
            } else {
                String driverId = "d" + driver;
                boolean available = random.nextDouble() < 0.7;
                workload.add(
                        Inputs.driverStatus(driverId, lat, lon, available, eventTime),
                        DRIVER_TOPIC,
                        diverted,
                        driverId,
                        available);
            }
        }
        return workload;
    }

    /** A coordinate moved by up to {@link #DRIFT} either way, kept inside the block that starts at {@code min}. */
    private static double drift(double coordinate, double min, Random random) {
        double moved = coordinate + (random.nextDouble() * 2 - 1) * DRIFT;
        return Math.min(min + SIDE - 1e-9, Math.max(min, moved));
    }

    /** @param diverted why the job must dead-letter it, or null when it counts */
    private void add(Object input, String topic, Reason diverted, String driverId, boolean available) {
        long offset = inputs.size();
        inputs.add(input);
        origins.add(new RecordOrigin(topic, 0, offset, null, ("value-" + offset).getBytes(StandardCharsets.UTF_8)));
        if (diverted != null) {
            divertedOffsets.put(offset, diverted);
            return;
        }
        double lat = input instanceof RideRequest r ? r.getLat() : ((DriverStatus) input).getLat();
        double lon = input instanceof RideRequest r ? r.getLon() : ((DriverStatus) input).getLon();
        long eventTime = input instanceof RideRequest r
                ? r.getEventTime().toEpochMilli()
                : ((DriverStatus) input).getEventTime().toEpochMilli();
        String zone = "zone_" + (long) Math.floor(lat * 100) + "_" + (long) Math.floor(lon * 100);
        valid.add(new SurgeOracle.Observation(offset, zone, eventTime, driverId, available));
    }

    /** The records as the sources hand them to the pipeline, through the production validation. */
    public List<Ingested> ingest(InputValidation validation) {
        List<Ingested> ingested = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            ingested.add(
                    inputs.get(i) instanceof RideRequest request
                            ? validation.rideRequest(request, origins.get(i))
                            : validation.driverStatus((DriverStatus) inputs.get(i), origins.get(i)));
        }
        return ingested;
    }

    public List<Object> inputs() {
        return inputs;
    }

    public int size() {
        return inputs.size();
    }

    public List<SurgeOracle.Observation> validInArrivalOrder() {
        return valid;
    }

    /** The offsets of the records the job must dead-letter, with the reason. */
    public Map<Long, Reason> divertedOffsets() {
        return divertedOffsets;
    }
}
