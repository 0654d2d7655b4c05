package io.surge.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.pricing.ZoneSurge.Adjustment;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PricingPolicyTest {

    private static final PricingPolicy DEFAULTS = new PricingPolicy(0.25, 3, 0.5, 0.3, 5.0, List.of());
    private static final String ZONE = "zone_4071_-7401";

    @Test
    void noZoneWithAPooledDemandOfAtMostTwoIsPricedAtTwoOrMoreWhateverItsLastPrice() {
        Random random = new Random(2);
        for (int i = 0; i < 100_000; i++) {
            long demand = random.nextInt(3);
            long neighbourDemand = random.nextInt(9 - 4 * (int) demand); // pooled: demand + 0.25 x this <= 2
            double pooled = demand + 0.25 * neighbourDemand;
            if (pooled > 2) {
                continue;
            }
            double last = 1 + random.nextInt(401) / 100.0;
            ZoneSurge priced =
                    DEFAULTS.price(counted(demand, random.nextInt(3)), neighbourDemand, random.nextInt(5), last, 0);
            assertThat(priced.multiplier())
                    .as("demand %d, pooled %s, last %s", demand, pooled, last)
                    .isLessThan(2);
        }
    }

    @Test
    void aPriceMovesAtMostAStepPerSlideAndHoldsWithinTheDeadband() {
        // 40 requests, 5 drivers: a target of 43 / 8 = 5.4, clamped to 5
        assertThat(price(counted(40, 5), 1.0)).isEqualTo(1.5);
        assertThat(price(counted(40, 5), 4.6)).isEqualTo(5.0);
        assertThat(price(counted(40, 5), 4.8)).as("within the deadband").isEqualTo(4.8);
        // 30 requests, 12 drivers: 33 / 15 = 2.2, within 0.3 of 2.0 and of 2.4: held; 2.6 is not within it
        assertThat(price(counted(30, 12), 2.0)).isEqualTo(2.0);
        assertThat(price(counted(30, 12), 2.4)).isEqualTo(2.4);
        assertThat(price(counted(30, 12), 2.6)).isEqualTo(2.2);
        // as many drivers as requests: back toward 1.0 a step at a time, even from within the deadband
        assertThat(price(counted(20, 20), 3.0)).isEqualTo(2.5);
        assertThat(price(counted(20, 20), 1.2)).isEqualTo(1.0);
    }

    @Test
    void theStepsThatChangedThePriceAreNamed() {
        ZoneSurge calm = DEFAULTS.price(counted(5, 5), 0, 0, 1.0, 0);
        assertThat(calm.multiplier()).isEqualTo(1.0);
        assertThat(calm.pricing().adjustedBy()).isZero();
        ZoneSurge rising = DEFAULTS.price(counted(20, 5), 0, 0, 1.0, 0);
        assertThat(rising.multiplier()).isEqualTo(1.5);
        assertThat(rising.pricing().adjustedBy(Adjustment.SMOOTHING)).isTrue();
        assertThat(rising.pricing().adjustedBy(Adjustment.EVIDENCE)).isTrue(); // 20 / 5 -> 23 / 8
        assertThat(rising.pricing().rawMultiplier()).isEqualTo(4.0);
        assertThat(rising.pricing().cap()).isNull();
        ZoneSurge pooled = DEFAULTS.price(counted(4, 2), 8, 12, 1.0, 0);
        assertThat(pooled.pricing().pooledDemand()).isEqualTo(6.0);
        assertThat(pooled.pricing().pooledSupply()).isEqualTo(5.0);
        assertThat(pooled.pricing().policyVersion()).isEqualTo(DEFAULTS.version());
    }

    @Test
    void capsApplyLastByZoneOrAreaWhileInForce() {
        Instant from = Instant.ofEpochMilli(100_000);
        Instant until = Instant.ofEpochMilli(200_000);
        AreaCap storm =
                new AreaCap("storm", 2.0, Set.of(), new io.surge.zone.Area(40.70, -74.02, 40.72, -74.00), from, until);
        AreaCap market = new AreaCap("market", 3.0, Set.of(ZONE), null, null, null);
        PricingPolicy policy = new PricingPolicy(0.25, 3, 0.5, 0.3, 4.0, List.of(storm, market));

        ZoneSurge inStorm = policy.price(counted(ZONE, 150_000, 80, 2), 0, 0, 4.0, 0);
        assertThat(inStorm.multiplier()).isEqualTo(2.0);
        assertThat(inStorm.pricing().cap()).isEqualTo("storm");
        ZoneSurge afterStorm = policy.price(counted(ZONE, 200_000, 80, 2), 0, 0, 4.0, 0);
        assertThat(afterStorm.multiplier()).isEqualTo(3.0);
        assertThat(afterStorm.pricing().cap()).isEqualTo("market");
        ZoneSurge elsewhere = policy.price(counted("zone_4075_-7401", 150_000, 80, 2), 0, 0, 4.0, 0);
        assertThat(elsewhere.multiplier()).isEqualTo(4.0);
        assertThat(elsewhere.pricing().cap()).isEqualTo(PricingPolicy.GLOBAL_CAP);
        assertThat(elsewhere.pricing().adjustedBy(Adjustment.CAP)).isTrue();
    }

    @Test
    void theVersionNamesTheSettingsAndCaps() {
        assertThat(new PricingPolicy(0.25, 3, 0.5, 0.3, 5.0, List.of()).version())
                .isEqualTo(DEFAULTS.version());
        assertThat(new PricingPolicy(0.25, 3, 0.5, 0.3, 4.0, List.of()).version())
                .isNotEqualTo(DEFAULTS.version());
        AreaCap cap = new AreaCap("market", 3.0, Set.of(ZONE), null, null, null);
        assertThat(new PricingPolicy(0.25, 3, 0.5, 0.3, 5.0, List.of(cap)).version())
                .isNotEqualTo(DEFAULTS.version());
    }

    private static double price(ZoneSurge counted, double last) {
        return DEFAULTS.price(counted, 0, 0, last, 0).multiplier();
    }

    private static ZoneSurge counted(long demand, long supply) {
        return counted(ZONE, 30_000, demand, supply);
    }

    private static ZoneSurge counted(String zone, long windowEnd, long demand, long supply) {
        return ZoneSurge.counted(zone, windowEnd - 30_000, windowEnd, demand, supply, 0);
    }
}
