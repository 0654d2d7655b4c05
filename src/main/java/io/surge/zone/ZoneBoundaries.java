package io.surge.zone;

import java.util.List;

/** Where a zone is, from its id alone, whichever scheme named it: for drawing zones on a map. */
public final class ZoneBoundaries {

    private ZoneBoundaries() {}

    /** @return the zone's corners as {lat, lon} pairs; empty for an id of neither scheme */
    public static List<double[]> of(String zoneId) {
        try {
            if (zoneId.startsWith(H3Zones.PREFIX)) {
                return H3Zones.boundary(zoneId);
            }
            if (zoneId.startsWith(GridZones.PREFIX)) {
                return GridZones.boundary(zoneId);
            }
        } catch (RuntimeException e) {
            // not an id surge made: nothing to draw
        }
        return List.of();
    }
}
