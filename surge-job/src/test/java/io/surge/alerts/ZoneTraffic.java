package io.surge.alerts;

import io.surge.event.ZoneEvent;
import io.surge.testing.Events;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Disordered zone events to hold the rules operator against plain flink-cep: ride requests and drivers' status
 * changes in random zones, arriving one every {@code everyMillis}, each with up to 2.5 s of disorder against a
 * watermark bound of 2 s, so some arrive late; a watermark after every 10 events, then one at the end. Each test
 * picks its mix; a seed always gives the same traffic, which the tests' checks that it tells rules apart rely on.
 *
 * @param zones the zones, {@code zone-0} on
 * @param drivers the drivers, {@code driver-0} on, each reporting in any zone
 * @param rideShare the share of events that are ride requests; the others are drivers' status changes
 * @param availableShare the share of drivers' status changes that say available
 * @param everyMillis the time between two events' arrivals
 * @param gridMillis the grid event times lie on, so that many records share a millisecond and many pairs are a whole
 *     window apart; 0 for none
 * @param lullMillis how long bursts and the lulls between them last, a lull keeping one event in {@code
 *     lullKeepsOneIn}, so that matches come easily, barely and not at all; 0 for no lulls
 */
record ZoneTraffic(
        int zones,
        int drivers,
        double rideShare,
        double availableShare,
        long everyMillis,
        long gridMillis,
        long lullMillis,
        int lullKeepsOneIn) {

    private static final long OUT_OF_ORDERNESS_MILLIS = 2_000;
    private static final int DISORDER_MILLIS = 2_500;
    private static final int EVENTS_PER_WATERMARK = 10;

    /** As many drivers as zones, half of the events rides, half of the drivers available, every 20 ms, no lulls. */
    static ZoneTraffic inZones(int zones) {
        return new ZoneTraffic(zones, zones, 0.5, 0.5, 20, 0, 0, 1);
    }

    ZoneTraffic withDrivers(int drivers) {
        return new ZoneTraffic(
                zones, drivers, rideShare, availableShare, everyMillis, gridMillis, lullMillis, lullKeepsOneIn);
    }

    ZoneTraffic withRideShare(double rideShare) {
        return new ZoneTraffic(
                zones, drivers, rideShare, availableShare, everyMillis, gridMillis, lullMillis, lullKeepsOneIn);
    }

    ZoneTraffic withAvailableShare(double availableShare) {
        return new ZoneTraffic(
                zones, drivers, rideShare, availableShare, everyMillis, gridMillis, lullMillis, lullKeepsOneIn);
    }

    ZoneTraffic withEventEveryMillis(long everyMillis) {
        return new ZoneTraffic(
                zones, drivers, rideShare, availableShare, everyMillis, gridMillis, lullMillis, lullKeepsOneIn);
    }

    ZoneTraffic onGridMillis(long gridMillis) {
        return new ZoneTraffic(
                zones, drivers, rideShare, availableShare, everyMillis, gridMillis, lullMillis, lullKeepsOneIn);
    }

    ZoneTraffic withLulls(long lullMillis, int lullKeepsOneIn) {
        return new ZoneTraffic(
                zones, drivers, rideShare, availableShare, everyMillis, gridMillis, lullMillis, lullKeepsOneIn);
    }

    /** The records of {@code events} arrivals, fewer in lulls, and the watermarks among them. */
    List<Object> generate(long seed, int events) {
        // times in seconds as doubles, as Events takes them: the same arithmetic gives the same traffic
        Random random = new Random(seed);
        List<Object> traffic = new ArrayList<>();
        long maxSeen = Long.MIN_VALUE;
        int records = 0;
        for (int i = 0; i < events; i++) {
            double now = i * (everyMillis / 1000.0);
            if (inLull(now) && random.nextInt(lullKeepsOneIn) != 0) {
                continue;
            }
            double seconds = onGrid(now - random.nextInt(DISORDER_MILLIS) / 1000.0);
            String zone = "zone-" + random.nextInt(zones);
            ZoneEvent event = random.nextDouble() < rideShare
                    ? Events.ride(zone).at(seconds)
                    : Events.driver("driver-" + random.nextInt(drivers), zone, random.nextDouble() < availableShare)
                            .at(seconds);
            traffic.add(new StreamRecord<>(event, event.eventTime()));
            maxSeen = Math.max(maxSeen, event.eventTime());
            if (++records % EVENTS_PER_WATERMARK == 0) {
                traffic.add(new Watermark(maxSeen - OUT_OF_ORDERNESS_MILLIS - 1));
            }
        }
        traffic.add(new Watermark(Long.MAX_VALUE));
        return traffic;
    }

    private boolean inLull(double seconds) {
        return lullMillis > 0 && ((long) (seconds / (lullMillis / 1000.0))) % 2 == 1;
    }

    private double onGrid(double seconds) {
        if (gridMillis == 0) {
            return seconds;
        }
        double perSecond = 1000.0 / gridMillis;
        return Math.round(seconds * perSecond) / perSecond;
    }
}
