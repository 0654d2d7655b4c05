package io.surge.pricing;

/** The surge multiplier of a zone from its demand and supply over one window. */
public final class Multiplier {

    public static final double MIN = 1.0;
    public static final double MAX = 5.0;

    private Multiplier() {}

    /** 1.0 without demand; 5.0 with demand but no supply; otherwise demand / supply clamped to [1.0, 5.0]. */
    public static double of(long demand, long supply) {
        return of((double) demand, (double) supply);
    }

    /** {@link #of(long, long)} of weighted counts, such as a zone's pooled with its neighbours'. */
    public static double of(double demand, double supply) {
        if (demand == 0) {
            return MIN;
        }
        if (supply == 0) {
            return MAX;
        }
        return clamp(demand / supply);
    }

    static double clamp(double ratio) {
        return Math.min(MAX, Math.max(MIN, ratio));
    }
}
