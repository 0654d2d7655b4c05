package io.surge.zone;

import java.util.ArrayList;
import java.util.List;

/**
 * The default zones: cells of 0.01 degree (about 1.1 km north-south), named
 * {@code zone_{floor(lat*100)}_{floor(lon*100)}} with IEEE double arithmetic, so 40.7128, -74.0060 is
 * {@code zone_4071_-7401}. Floor rather than truncation keeps cells the same size on both sides of the equator and
 * the prime meridian.
 */
public final class GridZones implements ZoneResolver {

    private static final long serialVersionUID = 1L;
    /** What every grid zone id starts with. */
    static final String PREFIX = "zone_";

    @Override
    public String zoneOf(double lat, double lon) {
        return PREFIX + (long) Math.floor(lat * 100) + "_" + (long) Math.floor(lon * 100);
    }

    /** The cells around a grid zone: longitude wraps at the antimeridian, latitude stops at the poles. */
    static List<String> neighbours(String zoneId) {
        long[] cell = cell(zoneId);
        long lat = cell[0];
        long lon = cell[1];
        List<String> around = new ArrayList<>(8);
        for (long dLat = -1; dLat <= 1; dLat++) {
            for (long dLon = -1; dLon <= 1; dLon++) {
                long neighbourLat = lat + dLat;
                if ((dLat != 0 || dLon != 0) && neighbourLat >= -90 * 100 && neighbourLat < 90 * 100) {
                    long neighbourLon = Math.floorMod(lon + dLon + 180 * 100, 360 * 100) - 180 * 100;
                    around.add(PREFIX + neighbourLat + "_" + neighbourLon);
                }
            }
        }
        return around;
    }

    /** The corners of a grid zone, as {lat, lon} pairs, counter-clockwise from the south-west one. */
    static List<double[]> boundary(String zoneId) {
        long[] cell = cell(zoneId);
        double south = cell[0] / 100.0;
        double west = cell[1] / 100.0;
        return List.of(
                new double[] {south, west},
                new double[] {south, west + 0.01},
                new double[] {south + 0.01, west + 0.01},
                new double[] {south + 0.01, west});
    }

    /** A grid zone's {floor(lat*100), floor(lon*100)}, read from its id. */
    private static long[] cell(String zoneId) {
        String[] parts = zoneId.substring(PREFIX.length()).split("_");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }
}
