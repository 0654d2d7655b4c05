package io.surge.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.surge.avro.AlertStatus;
import io.surge.avro.Severity;
import io.surge.avro.SurgeAlert;
import io.surge.avro.SurgeMultiplier;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CityViewTest {

    @Test
    void eachZoneShowsItsLatestWindowWhateverTheOrderTheyArriveIn() {
        CityView view = new CityView(() -> NOW);
        view.take(result("zone_4075_-7399", 35_000, 10, 5));
        view.take(result("zone_4075_-7399", 30_000, 3, 3));

        CityView.Zone zone = view.snapshot().zones().get(0);
        assertThat(zone.windowEnd()).isEqualTo(35_000);
        assertThat(zone.demand()).isEqualTo(10);
        assertThat(zone.multiplier()).isEqualTo(2.0);
        assertThat(zone.boundary()).hasSize(4);
        assertThat(zone.boundary().get(0)).containsExactly(40.75, -73.99);
    }

    /** The dashboard's clock: after every window of these tests. */
    private static final long NOW = 3_600_000;

    @Test
    void aResultFarAheadOfTheClockIsIgnoredSoItCannotEmptyTheMap() {
        CityView view = new CityView(() -> NOW);
        view.take(result("zone_4075_-7399", NOW - 5_000, 10, 5));
        view.take(result("zone_4075_-7400", NOW + CityView.FUTURE_KEPT.toMillis(), 4, 2)); // a little ahead: kept
        view.take(result("zone_0_0", 4_000_000_000_000L, 1, 1)); // written by anyone, for the year 2096

        assertThat(view.snapshot().zones())
                .extracting(CityView.Zone::id)
                .containsExactlyInAnyOrder("zone_4075_-7399", "zone_4075_-7400");
    }

    @Test
    void atMostTheBoundOfZonesIsKeptThoseWithTheLatestWindows() {
        CityView view = new CityView(() -> NOW);
        for (int i = 0; i <= CityView.MAX_ZONES; i++) {
            view.take(result("zone_" + i + "_0", 1_000 + i, 1, 1));
        }

        List<CityView.Zone> kept = view.snapshot().zones();
        assertThat(kept).hasSizeLessThanOrEqualTo(CityView.MAX_ZONES);
        assertThat(kept)
                .extracting(CityView.Zone::id)
                .contains("zone_" + CityView.MAX_ZONES + "_0")
                .doesNotContain("zone_0_0");
    }

    @Test
    void aZoneShowsThePublishedPriceAndTheRawRatioBehindIt() {
        CityView view = new CityView(() -> NOW);
        SurgeMultiplier priced = result("zone_4075_-7399", 35_000, 9, 3);
        priced.setMultiplier(1.5);
        priced.setRawMultiplier(3.0);
        priced.setPolicyVersion("policy-test");
        view.take(priced);
        view.take(result("zone_4075_-7400", 35_000, 8, 2)); // written before published prices: raw is the price

        assertThat(view.snapshot().zones())
                .extracting(CityView.Zone::id, CityView.Zone::multiplier, CityView.Zone::rawMultiplier)
                .containsExactlyInAnyOrder(tuple("zone_4075_-7399", 1.5, 3.0), tuple("zone_4075_-7400", 4.0, 4.0));
    }

    @Test
    void activeZonesAndTheirMaximumCountOnlyTheLatestWindow() {
        CityView view = new CityView(() -> NOW);
        view.take(result("zone_1_1", 30_000, 50, 10)); // 5.0x, but an older window
        view.take(result("zone_1_2", 35_000, 6, 3));
        view.take(result("zone_1_3", 35_000, 2, 2));

        CityView.Snapshot snapshot = view.snapshot();
        assertThat(snapshot.zones()).hasSize(3);
        assertThat(snapshot.zonesActive()).isEqualTo(2);
        assertThat(snapshot.maxMultiplier()).isEqualTo(2.0);
        assertThat(snapshot.latestWindowEnd()).isEqualTo(35_000);
    }

    @Test
    void zonesQuietForLongerThanTheViewKeepsThemAreDropped() {
        CityView view = new CityView(() -> NOW);
        long kept = CityView.QUIET_ZONE_KEPT.toMillis();
        view.take(result("zone_1_1", 1_000_000, 5, 5));
        view.take(result("zone_1_2", 1_000_000 + kept, 5, 5));
        view.take(result("zone_1_3", 1_005_000 + kept, 5, 5));

        assertThat(view.snapshot().zones())
                .extracting(CityView.Zone::id)
                .as("zone_1_1 last reported more than the kept time before the latest window")
                .containsExactlyInAnyOrder("zone_1_2", "zone_1_3");
    }

    @Test
    void aFailingFeedIsPartOfWhatThePageShows() {
        CityView view = new CityView(() -> NOW);
        view.feedError("cannot read the result topics: broker down");
        assertThat(view.snapshot().feedError()).isEqualTo("cannot read the result topics: broker down");
        view.feedError(null);
        assertThat(view.snapshot().feedError()).isNull();
    }

    @Test
    void theFeedKeepsTheNewestAlertsFirst() {
        CityView view = new CityView(() -> NOW);
        for (int i = 0; i < CityView.ALERTS_SHOWN + 5; i++) {
            view.take(alert("alert-" + i));
        }

        assertThat(view.snapshot().alerts()).hasSize(CityView.ALERTS_SHOWN);
        assertThat(view.snapshot().alerts().get(0).id()).isEqualTo("alert-" + (CityView.ALERTS_SHOWN + 4));
    }

    @Test
    void anEpisodeIsOpenFromItsFiringRecordUntilItsResolvedOne() {
        CityView view = new CityView(() -> NOW);
        view.take(alert("first"));
        view.take(alert("second"));
        SurgeAlert resolved = alert("first-resolved");
        resolved.setStatus(AlertStatus.RESOLVED);
        resolved.setEpisodeId("first");
        resolved.setResolvedAt(Instant.ofEpochMilli(302_000));
        view.take(resolved);

        CityView.Snapshot snapshot = view.snapshot();
        assertThat(snapshot.openEpisodes()).isEqualTo(1);
        assertThat(snapshot.alerts())
                .extracting(CityView.Alert::id, CityView.Alert::status, CityView.Alert::open, CityView.Alert::time)
                .containsExactly(
                        tuple("first-resolved", "RESOLVED", false, 302_000L),
                        tuple("second", "FIRING", true, 2_000L),
                        tuple("first", "FIRING", false, 2_000L));
    }

    @Test
    void theInputRateIsTheGrowthOfTheInputOffsetsOverTheLastSamples() {
        CityView view = new CityView(() -> NOW);
        assertThat(view.snapshot().eventsPerSecond()).isZero();
        view.inputRecords(1_000, 10_000);
        view.inputRecords(1_600, 11_000);
        view.inputRecords(2_200, 12_000);

        assertThat(view.snapshot().eventsPerSecond()).isEqualTo(600);
    }

    private static SurgeMultiplier result(String zone, long windowEnd, long demand, long supply) {
        return SurgeMultiplier.newBuilder()
                .setZoneId(zone)
                .setWindowStart(Instant.ofEpochMilli(windowEnd - 30_000))
                .setWindowEnd(Instant.ofEpochMilli(windowEnd))
                .setDemand(demand)
                .setSupply(supply)
                .setMultiplier(Math.min(5.0, Math.max(1.0, (double) demand / supply)))
                .setComputedAt(Instant.ofEpochMilli(windowEnd + 100))
                .build();
    }

    private static SurgeAlert alert(String id) {
        return SurgeAlert.newBuilder()
                .setAlertId(id)
                .setRule("surge-spike")
                .setSeverity(Severity.WARNING)
                .setZoneId("zone_1_1")
                .setFirstEventTime(Instant.ofEpochMilli(1_000))
                .setLastEventTime(Instant.ofEpochMilli(2_000))
                .setSummary("a spike")
                .setDetails(Map.of())
                .setDetectedAt(Instant.ofEpochMilli(3_000))
                .setEpisodeId(id)
                .build();
    }
}
