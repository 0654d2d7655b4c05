package io.surge.zone;

import java.util.List;

/** The zones around a zone, from its id alone, whichever scheme named it: for pooling a zone with its neighbours. */
public final class ZoneNeighbours {

    private ZoneNeighbours() {}

    /**
     * @return the 8 grid cells around a grid zone (fewer at a pole; across the antimeridian they wrap), or the H3 cells
     *     one step from an H3 zone (k-ring 1: 6, or 5 around a pentagon); empty for an id of neither scheme
     */
    public static List<String> of(String zoneId) {
        return ZoneIds.byScheme(zoneId, H3Zones::neighbours, GridZones::neighbours, List.of());
    }
}
