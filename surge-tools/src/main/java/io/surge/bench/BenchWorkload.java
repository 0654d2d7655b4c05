package io.surge.bench;

import io.surge.avro.DriverStatus;
import io.surge.avro.RideRequest;
import io.surge.generator.InputWriter;
import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * A seeded city at peak for benchmarks: events over a grid of zones whose popularity follows a Zipf law (a few
 * downtown zones take most of the traffic), drivers working in zones and moving between them, records a little out
 * of order. The event time advances at a fixed rate, so the number of windows and results does not depend on how
 * fast anything runs.
 *
 * <p>Drivers report in a seeded order that reaches every one of them before any reports again, the way drivers' apps
 * report on a period: {@code drivers} is the number of distinct drivers whenever the statuses are at least as many.
 * A driver reports from the zone it is in, picked by the same popularity as the traffic, and picks its zone anew at
 * one report in {@value #REPORTS_PER_MOVE} (a 0.01 degree zone is about a kilometre: a few minutes' drive).
 *
 * @param seed the same seed gives the same events
 * @param events how many records, requests and statuses together
 * @param zones how many grid zones (0.01 degree cells, 100 to a row) traffic picks from
 * @param drivers how many drivers report their status
 * @param eventsPerSecond how many records per second of event time
 */
public record BenchWorkload(long seed, int events, int zones, int drivers, int eventsPerSecond) {

    /** How many zones and drivers the records written actually hold. */
    public record Census(int zonesWithTraffic, int drivers) {}

    /** A city at peak with as many drivers as the seed design's: one per 20 records. */
    public static BenchWorkload city(long seed, int events, int zones, int eventsPerSecond) {
        return new BenchWorkload(seed, events, zones, Math.max(1, events / 20), eventsPerSecond);
    }

    private static final int COLUMNS = 100;
    private static final double ZIPF_EXPONENT = 1.1;
    private static final int OUT_OF_ORDER_MILLIS = 2_000;
    private static final int REPORTS_PER_MOVE = 20;

    /** Writes every event, the first at about {@code startMillis} of event time, and waits until all are written. */
    public Census writeTo(InputWriter inputs, long startMillis) {
        Census census = forEach(startMillis, inputs::send);
        inputs.flush();
        return census;
    }

    /**
     * Writes the events in real time, each when the wall clock reaches the moment it is due and stamped with that
     * moment as its event time: the latest event time seen then keeps up with the clock, so a window can close as soon
     * as the clock passes its end plus the out-of-orderness bound, and what a consumer waits beyond that is the
     * pipeline's own latency.
     */
    public void playTo(InputWriter inputs) {
        long start = System.currentTimeMillis();
        long[] sent = {0};
        forEach(start, event -> {
            long due = start + sent[0]++ * 1000L / eventsPerSecond;
            long wait = due - System.currentTimeMillis();
            if (wait > 0) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while playing the workload", e);
                }
            }
            Instant now = Instant.ofEpochMilli(Math.max(due, System.currentTimeMillis()));
            // every input has an event_time, which a live replay sets to now
            event.put(event.getSchema().getField("event_time").pos(), now);
            inputs.send(event);
        });
        inputs.flush();
    }

    /** Hands every event, a {@link RideRequest} or a {@link DriverStatus}, to {@code each} in order. */
    public Census forEach(long startMillis, Consumer<SpecificRecord> each) {
        Random random = new Random(seed);
        double[] popularity = cumulativePopularity();
        int[] reportingOrder = shuffled(drivers, random);
        int[] zoneOfDriver = new int[drivers];
        Arrays.fill(zoneOfDriver, -1);
        BitSet zonesWithTraffic = new BitSet(zones);
        long statuses = 0;
        for (int i = 0; i < events; i++) {
            long eventTime = startMillis + i * 1000L / eventsPerSecond - random.nextInt(OUT_OF_ORDER_MILLIS);
            boolean rideRequest = random.nextDouble() < 0.45;
            int driver = rideRequest ? -1 : reportingOrder[(int) (statuses++ % drivers)];
            int zone;
            if (rideRequest) {
                zone = pick(popularity, random.nextDouble());
            } else {
                if (zoneOfDriver[driver] < 0 || random.nextInt(REPORTS_PER_MOVE) == 0) {
                    zoneOfDriver[driver] = pick(popularity, random.nextDouble());
                }
                zone = zoneOfDriver[driver];
            }
            zonesWithTraffic.set(zone);
            double lat = 40.50 + (zone / COLUMNS) * 0.01 + 0.001 + random.nextDouble() * 0.008;
            double lon = -74.25 + (zone % COLUMNS) * 0.01 + 0.001 + random.nextDouble() * 0.008;
            if (rideRequest) {
                each.accept(RideRequest.newBuilder()
                        .setRequestId("bench-ride-" + i)
                        .setUserId("rider-" + random.nextInt(1_000_000))
                        .setLat(lat)
                        .setLon(lon)
                        .setEventTime(Instant.ofEpochMilli(eventTime))
                        .build());
            } else {
                each.accept(DriverStatus.newBuilder()
                        .setDriverId("driver-" + driver)
                        .setLat(lat)
                        .setLon(lon)
                        .setAvailable(random.nextDouble() < 0.7)
                        .setEventTime(Instant.ofEpochMilli(eventTime))
                        .build());
            }
        }
        return new Census(zonesWithTraffic.cardinality(), (int) Math.min(statuses, drivers));
    }

    /** Event time the workload spans. */
    public long spanMillis() {
        return events * 1000L / eventsPerSecond;
    }

    private double[] cumulativePopularity() {
        double[] cumulative = new double[zones];
        double total = 0;
        for (int rank = 0; rank < zones; rank++) {
            total += 1.0 / Math.pow(rank + 1, ZIPF_EXPONENT);
            cumulative[rank] = total;
        }
        for (int rank = 0; rank < zones; rank++) {
            cumulative[rank] /= total;
        }
        return cumulative;
    }

    private static int[] shuffled(int count, Random random) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            int j = random.nextInt(i + 1);
            order[i] = order[j];
            order[j] = i;
        }
        return order;
    }

    private static int pick(double[] cumulative, double u) {
        int index = Arrays.binarySearch(cumulative, u);
        return Math.min(cumulative.length - 1, index >= 0 ? index : -index - 1);
    }
}
