package io.surge.zone;

import java.io.Serializable;

/** Maps a valid WGS84 point to the id of the zone it lies in. Callers validate coordinates first. */
@FunctionalInterface
public interface ZoneResolver extends Serializable {

    String zoneOf(double lat, double lon);
}
