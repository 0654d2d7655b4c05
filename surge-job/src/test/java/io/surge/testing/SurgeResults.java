package io.surge.testing;

import io.surge.pricing.ZoneSurge;
import java.util.ArrayList;
import java.util.List;

/** Expected surge results, written by hand in tests: window ends are seconds after {@link Events#T0}. */
public final class SurgeResults {

    public static final long COMPUTED_AT = 42L;
    public static final long SIZE_SECONDS = 30;
    public static final long SLIDE_SECONDS = 5;

    private SurgeResults() {}

    public static ZoneSurge surge(String zone, double endSeconds, long demand, long supply, double multiplier) {
        return new ZoneSurge(
                zone,
                Events.at(endSeconds - SIZE_SECONDS),
                Events.at(endSeconds),
                demand,
                supply,
                multiplier,
                COMPUTED_AT,
                null);
    }

    /** The same figures in each window ending at firstEnd, firstEnd + slide, ..., lastEnd seconds. */
    public static List<ZoneSurge> windowsEnding(
            String zone, long firstEnd, long lastEnd, long demand, long supply, double multiplier) {
        List<ZoneSurge> windows = new ArrayList<>();
        for (long end = firstEnd; end <= lastEnd; end += SLIDE_SECONDS) {
            windows.add(surge(zone, end, demand, supply, multiplier));
        }
        return windows;
    }

    /** A job on the system clock stamps computed_at with when it ran, which no oracle knows. */
    public static ZoneSurge withoutComputedAt(ZoneSurge surge) {
        return new ZoneSurge(
                surge.zoneId(),
                surge.windowStart(),
                surge.windowEnd(),
                surge.demand(),
                surge.supply(),
                surge.multiplier(),
                0,
                surge.pricing());
    }
}
