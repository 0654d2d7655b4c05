package io.surge.pricing;

/**
 * The surge of one zone over one window: what {@code surge-multipliers} carries and what multiplier alert rules see.
 * Times are epoch milliseconds UTC; the window is [windowStart, windowEnd).
 */
public record ZoneSurge(
        String zoneId, long windowStart, long windowEnd, long demand, long supply, double multiplier, long computedAt) {}
