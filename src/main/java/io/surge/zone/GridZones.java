package io.surge.zone;

/**
 * The default zones: cells of 0.01 degree (about 1.1 km north-south), named
 * {@code zone_{floor(lat*100)}_{floor(lon*100)}} with IEEE double arithmetic, so 40.7128, -74.0060 is
 * {@code zone_4071_-7401}. Floor rather than truncation keeps cells the same size on both sides of the equator and
 * the prime meridian.
 */
public final class GridZones implements ZoneResolver {

    private static final long serialVersionUID = 1L;

    @Override
    public String zoneOf(double lat, double lon) {
        return "zone_" + (long) Math.floor(lat * 100) + "_" + (long) Math.floor(lon * 100);
    }
}
