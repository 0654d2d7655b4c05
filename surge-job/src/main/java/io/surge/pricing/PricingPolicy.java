package io.surge.pricing;

import io.surge.pricing.ZoneSurge.Adjustment;
import io.surge.pricing.ZoneSurge.Pricing;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * How a zone's published multiplier is made from the counts of its window, in this order:
 * <ol>
 *   <li><b>pooling</b>: demand and supply are the zone's own plus {@code neighbourWeight} times its neighbours' (each
 *       driver still counts in one zone, so in one term);
 *   <li><b>evidence</b>: the pooled ratio is taken with {@code pseudoCount} balanced requests and drivers added,
 *       (demand + k) / (supply + k), clamped to [1, 5]: small counts stay near 1.0, large ones barely move, and there
 *       is no threshold at which one more request jumps the price;
 *   <li><b>smoothing</b>: the price moves from the zone's last published one (1.0 when the zone had no result one
 *       slide earlier) by at most {@code maxStep}, and not at all while the target is within {@code deadband} of it,
 *       unless the target is 1.0: hysteresis, so a zone does not flip back and forth on noise, yet returns to no surge;
 *   <li><b>evidence, again</b>: the price is at most (demand + k) / k, what the window's pooled demand would support
 *       with no driver at all, so that a price on its way down from a surge is not still high once the demand is gone;
 *   <li><b>caps</b>: the lowest of the global {@code cap} and every {@link AreaCap} in force, applied last.
 * </ol>
 * Pure: the same counts and last price make the same price, in the job, its tests and any replay.
 */
public final class PricingPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How a published record names the global cap. */
    public static final String GLOBAL_CAP = "global";

    private final double neighbourWeight;
    private final double pseudoCount;
    private final double maxStep;
    private final double deadband;
    private final double cap;
    private final List<AreaCap> caps;
    private final String version;

    public PricingPolicy(
            double neighbourWeight,
            double pseudoCount,
            double maxStep,
            double deadband,
            double cap,
            List<AreaCap> caps) {
        this.neighbourWeight = neighbourWeight;
        this.pseudoCount = pseudoCount;
        this.maxStep = maxStep;
        this.deadband = deadband;
        this.cap = cap;
        this.caps = List.copyOf(caps);
        this.version = version(List.of(neighbourWeight, pseudoCount, maxStep, deadband, cap, this.caps)
                .toString());
    }

    /**
     * The published price of a zone's window.
     *
     * @param counted the zone's result as the windows counted it
     * @param neighbourDemand the sum of its neighbours' demand in the same window, unweighted
     * @param neighbourSupply the sum of its neighbours' supply in the same window, unweighted
     * @param lastPrice the zone's published multiplier one slide earlier, 1.0 when it had none
     */
    public ZoneSurge price(
            ZoneSurge counted, double neighbourDemand, double neighbourSupply, double lastPrice, long computedAt) {
        double demand = counted.demand() + neighbourWeight * neighbourDemand;
        double supply = counted.supply() + neighbourWeight * neighbourSupply;
        double pooled = Multiplier.of(demand, supply);
        double target = pseudoCount == 0 ? pooled : Multiplier.clamp((demand + pseudoCount) / (supply + pseudoCount));
        int adjustedBy = target != pooled ? Adjustment.EVIDENCE.bit() : 0;

        double smoothed = lastPrice;
        double gap = Math.abs(target - lastPrice);
        if (gap >= deadband || target == Multiplier.MIN) {
            smoothed = gap <= maxStep ? target : lastPrice + Math.signum(target - lastPrice) * maxStep;
        }
        adjustedBy |= smoothed != target ? Adjustment.SMOOTHING.bit() : 0;

        double price = smoothed;
        double supported = pseudoCount == 0 ? Multiplier.MAX : Multiplier.clamp((demand + pseudoCount) / pseudoCount);
        if (supported < price) {
            price = supported;
            adjustedBy |= Adjustment.EVIDENCE.bit();
        }
        String cappedBy = null;
        if (cap < price) {
            price = cap;
            cappedBy = GLOBAL_CAP;
        }
        for (AreaCap area : caps) {
            if (area.cap() < price && area.appliesTo(counted.zoneId(), counted.windowEnd())) {
                price = area.cap();
                cappedBy = area.name();
            }
        }
        adjustedBy |= cappedBy != null ? Adjustment.CAP.bit() : 0;

        return new ZoneSurge(
                counted.zoneId(),
                counted.windowStart(),
                counted.windowEnd(),
                counted.demand(),
                counted.supply(),
                price,
                computedAt,
                new Pricing(counted.multiplier(), demand, supply, adjustedBy, cappedBy, version));
    }

    /** Names the policy in each record it prices: the same settings and caps, the same version. */
    public String version() {
        return version;
    }

    private static String version(String settings) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(settings.getBytes(StandardCharsets.UTF_8));
            return "policy-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
