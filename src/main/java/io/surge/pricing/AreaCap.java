package io.surge.pricing;

import io.surge.zone.ZoneBoundaries;
import java.io.Serializable;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * A cap on the published multiplier in an area for a span of time: an emergency cap, a regulated market. Applies to a
 * zone listed in {@code zones} or whose centre lies in {@code area}, for windows ending in [from, until).
 *
 * @param name how the published record names the cap that lowered its price
 * @param area the bounding box, null when the cap lists zones only
 * @param from the first window end it applies to, null for always
 * @param until the window end from which it no longer applies, null for never
 */
public record AreaCap(String name, double cap, Set<String> zones, Box area, Instant from, Instant until)
        implements Serializable {

    public AreaCap {
        zones = new TreeSet<>(zones); // sorted, so that the policy's version does not depend on the set's order
    }

    /** A latitude/longitude box, its south and west edges inclusive. */
    public record Box(double south, double west, double north, double east) implements Serializable {

        boolean contains(double[] point) {
            return point != null && point[0] >= south && point[0] < north && point[1] >= west && point[1] < east;
        }
    }

    public boolean appliesTo(String zoneId, long windowEnd) {
        if ((from != null && windowEnd < from.toEpochMilli()) || (until != null && windowEnd >= until.toEpochMilli())) {
            return false;
        }
        return zones.contains(zoneId) || (area != null && area.contains(ZoneBoundaries.centre(zoneId)));
    }
}
