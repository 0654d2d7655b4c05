package io.surge.zone;

import java.util.List;

/** Where a zone is, from its id alone, whichever scheme named it: for drawing zones on a map. */
public final class ZoneBoundaries {

    private ZoneBoundaries() {}

    /** @return the zone's corners as {lat, lon} pairs; empty for an id of neither scheme */
    public static List<double[]> of(String zoneId) {
        return ZoneIds.byScheme(zoneId, H3Zones::boundary, GridZones::boundary, List.of());
    }

    /** @return the zone's centre as {lat, lon}, the mean of its corners; null for an id of neither scheme */
    public static double[] centre(String zoneId) {
        List<double[]> corners = of(zoneId);
        if (corners.isEmpty()) {
            return null;
        }
        double lat = 0;
        double lon = 0;
        for (double[] corner : corners) {
            lat += corner[0];
            lon += corner[1];
        }
        return new double[] {lat / corners.size(), lon / corners.size()};
    }
}
