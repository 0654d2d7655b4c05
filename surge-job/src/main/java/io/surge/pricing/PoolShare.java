package io.surge.pricing;

/**
 * A zone's counted result on its way to a zone whose price it takes part in: whole to its own zone, only its counts to
 * each neighbour, which pools them. On a world-sized map most shares go to neighbours, so they carry no more than that.
 *
 * @param zoneId the zone being priced
 * @param own the zone's own counted result; null in a neighbour's share
 * @param demand the demand of the zone that shares, for a neighbour to pool
 * @param supply the supply of the zone that shares, for a neighbour to pool
 */
public record PoolShare(String zoneId, ZoneSurge own, long demand, long supply) {

    /** The share of a zone's result with the zone itself. */
    public static PoolShare own(ZoneSurge counted) {
        return new PoolShare(counted.zoneId(), counted, counted.demand(), counted.supply());
    }

    /** The share of a zone's result with {@code neighbour}. */
    public static PoolShare withNeighbour(String neighbour, ZoneSurge counted) {
        return new PoolShare(neighbour, null, counted.demand(), counted.supply());
    }
}
