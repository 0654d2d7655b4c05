package io.surge.zone;

import java.util.function.Function;

/** What can be known of a zone from its id alone, whichever scheme named it. */
final class ZoneIds {

    private ZoneIds() {}

    /** {@code h3} or {@code grid} of the id, by its prefix; {@code neither} for an id surge did not make. */
    static <T> T byScheme(String zoneId, Function<String, T> h3, Function<String, T> grid, T neither) {
        try {
            if (zoneId.startsWith(H3Zones.PREFIX)) {
                return h3.apply(zoneId);
            }
            if (zoneId.startsWith(GridZones.PREFIX)) {
                return grid.apply(zoneId);
            }
        } catch (RuntimeException e) {
            // a prefix but not an id surge made
        }
        return neither;
    }
}
