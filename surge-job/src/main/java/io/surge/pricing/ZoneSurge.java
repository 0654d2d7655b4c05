package io.surge.pricing;

/**
 * The surge of one zone over one window: what {@code surge-multipliers} carries and what multiplier alert rules see.
 * Times are epoch milliseconds UTC; the window is [windowStart, windowEnd).
 *
 * <p>The windows count it ({@link #counted}: {@code multiplier} is the raw ratio, {@code pricing} null); the pricing
 * stage publishes it ({@link PublishPrices}: {@code multiplier} is the price, {@code pricing} says how it was made).
 *
 * @param demand the ride requests of the zone in the window
 * @param supply the drivers counted in the zone in the window, each driver in one zone
 * @param multiplier the published price once priced, the raw ratio before
 * @param computedAt processing time at which the stage that made this record emitted it
 * @param pricing how the published price was made from the counts; null for a counted, unpriced result
 */
public record ZoneSurge(
        String zoneId,
        long windowStart,
        long windowEnd,
        long demand,
        long supply,
        double multiplier,
        long computedAt,
        Pricing pricing) {

    /** A result as the windows count it: {@code multiplier} is the raw ratio. */
    public static ZoneSurge counted(
            String zoneId, long windowStart, long windowEnd, long demand, long supply, long computedAt) {
        return new ZoneSurge(
                zoneId, windowStart, windowEnd, demand, supply, Multiplier.of(demand, supply), computedAt, null);
    }

    /** The raw ratio of demand to supply, clamped to [1, 5], whatever the published price. */
    public double rawMultiplier() {
        return pricing == null ? multiplier : pricing.rawMultiplier();
    }

    /** The demand the price was made from: pooled with the neighbours', or the zone's own before pricing. */
    public double pooledDemand() {
        return pricing == null ? demand : pricing.pooledDemand();
    }

    /** The supply the price was made from: pooled with the neighbours', or the zone's own before pricing. */
    public double pooledSupply() {
        return pricing == null ? supply : pricing.pooledSupply();
    }

    /**
     * How a published price was made.
     *
     * @param rawMultiplier the zone's own demand / supply clamped to [1, 5]
     * @param pooledDemand the zone's demand plus its neighbours', weighted
     * @param pooledSupply the zone's supply plus its neighbours', weighted
     * @param adjustedBy which steps changed the value, as {@link Adjustment} bits
     * @param cap the name of the cap that lowered the price, null when none did
     * @param policyVersion the version of the pricing policy that made it ({@link PricingPolicy#version})
     */
    public record Pricing(
            double rawMultiplier,
            double pooledDemand,
            double pooledSupply,
            int adjustedBy,
            String cap,
            String policyVersion) {

        public boolean adjustedBy(Adjustment adjustment) {
            return (adjustedBy & adjustment.bit()) != 0;
        }
    }

    /** A step of the pricing policy that can move the price away from the pooled ratio. */
    public enum Adjustment {
        /** Too few requests and drivers to trust the ratio: it was shrunk toward 1.0. */
        EVIDENCE,
        /** The price moved by at most a step from the last one, or held within the deadband. */
        SMOOTHING,
        /** A cap, global or of an area and time span, lowered it. */
        CAP;

        int bit() {
            return 1 << ordinal();
        }

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
