package io.surge.pricing;

import io.surge.zone.Area;
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
public record AreaCap(String name, double cap, Set<String> zones, Area area, Instant from, Instant until)
        implements Serializable {

    public AreaCap {
        zones = new TreeSet<>(zones); // sorted, so that the policy's version does not depend on the set's order
    }

    public boolean appliesTo(String zoneId, long windowEnd) {
        if ((from != null && windowEnd < from.toEpochMilli()) || (until != null && windowEnd >= until.toEpochMilli())) {
            return false;
        }
        if (zones.contains(zoneId)) {
            return true;
        }
        double[] centre = area == null ? null : ZoneBoundaries.centre(zoneId);
        return centre != null && area.contains(centre[0], centre[1]);
    }
}
