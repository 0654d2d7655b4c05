package io.surge.testing;

import io.surge.avro.DriverStatus;
import io.surge.avro.RideRequest;
import io.surge.event.Ingested;
import io.surge.event.RecordOrigin;
import io.surge.ingest.InputValidation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A seeded stream of ride requests and driver statuses over a 4 x 4 block of grid zones in lower Manhattan, in arrival
 * order: event times advance with jitter up to the out-of-orderness bound, a few records arrive far too late, and a
 * few are invalid in the ways the contract names. Each record remembers what the test expects of it.
 */
public final class CityWorkload {

    public static final String RIDE_TOPIC = "ride-requests";
    public static final String DRIVER_TOPIC = "driver-status";

    private final List<Object> inputs = new ArrayList<>();
    private final List<RecordOrigin> origins = new ArrayList<>();
    private final List<SurgeOracle.Observation> valid = new ArrayList<>();
    private final Set<Long> invalidOffsets = new TreeSet<>();

    /**
     * @param startMillis event time of the first record, aligned to the slide
     * @param stepMillis event time between consecutive records
     * @param jitterMillis how far behind its slot a record may be, at most the out-of-orderness bound
     * @param lateFraction the share of records that arrive 45 to 75 s behind their slot
     * @param invalidFraction the share of records with an impossible field
     */
    public static CityWorkload generate(long seed, int count, long startMillis, long stepMillis, long jitterMillis,
            double lateFraction, double invalidFraction) {
        CityWorkload workload = new CityWorkload();
        Random random = new Random(seed);
        for (int i = 0; i < count; i++) {
            long slot = startMillis + i * stepMillis;
            long eventTime = slot - (long) (random.nextDouble() * jitterMillis);
            if (random.nextDouble() < lateFraction) {
                eventTime = slot - 45_000 - random.nextInt(30_000);
            }
            double lat = 40.70 + random.nextDouble() * 0.04;
            double lon = -74.02 + random.nextDouble() * 0.04;
            boolean invalid = random.nextDouble() < invalidFraction;
            if (invalid) {
                switch (random.nextInt(5)) {
                    case 0 -> lat = Double.NaN;
                    case 1 -> lat = 95.0;
                    case 2 -> lon = -200.0;
                    case 3 -> eventTime = -5_000;
                    default -> eventTime = slot + 2 * 3_600_000L;
                }
            }
            if (random.nextDouble() < 0.45) {
                workload.add(Inputs.rideRequest("r" + i, lat, lon, eventTime), RIDE_TOPIC, invalid, null, false);
            } else {
                String driver = "d" + random.nextInt(40);
                boolean available = random.nextDouble() < 0.7;
                workload.add(
                        Inputs.driverStatus(driver, lat, lon, available, eventTime), DRIVER_TOPIC, invalid, driver,
                        available);
            }
        }
        return workload;
    }

    private void add(Object input, String topic, boolean invalid, String driverId, boolean available) {
        long offset = inputs.size();
        inputs.add(input);
        origins.add(new RecordOrigin(topic, 0, offset, null, ("value-" + offset).getBytes(StandardCharsets.UTF_8)));
        if (invalid) {
            invalidOffsets.add(offset);
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
            ingested.add(inputs.get(i) instanceof RideRequest request
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

    public Set<Long> invalidOffsets() {
        return invalidOffsets;
    }
}
