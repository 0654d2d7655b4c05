package io.surge.pricing;

/**
 * A zone's counted result on its way to a zone whose price it takes part in: its own, or a neighbour's.
 *
 * @param zoneId the zone being priced
 * @param surge the result of that zone or of one of its neighbours, for the same window
 */
public record PoolShare(String zoneId, ZoneSurge surge) {

    boolean isOwn() {
        return zoneId.equals(surge.zoneId());
    }
}
