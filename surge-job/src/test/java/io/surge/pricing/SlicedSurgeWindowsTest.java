package io.surge.pricing;

import static io.surge.testing.Events.at;
import static io.surge.testing.Events.driver;
import static io.surge.testing.Events.ride;
import static io.surge.testing.SurgeResults.COMPUTED_AT;
import static io.surge.testing.SurgeResults.surge;
import static io.surge.testing.SurgeResults.windowsEnding;
import static org.assertj.core.api.Assertions.assertThat;

import io.surge.event.Reason;
import io.surge.event.ZoneEvent;
import io.surge.testing.TaskCheckpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlicedSurgeWindowsTest {

    private static final WindowSpec THIRTY_BY_FIVE = new WindowSpec(30_000, 5_000, 0);

    private final List<KeyedOneInputStreamOperatorTestHarness<String, ZoneEvent, ZoneSurge>> opened = new ArrayList<>();

    @AfterEach
    void closeHarnesses() throws Exception {
        for (var harness : opened) {
            harness.close();
        }
    }

    @Test
    void aLoneRideRequestCountsInEachOfItsSixWindows() throws Exception {
        var harness = open(THIRTY_BY_FIVE);
        process(harness, ride("A").at(12));
        harness.processWatermark(at(100));

        assertThat(harness.extractOutputValues()).containsExactlyElementsOf(windowsEnding("A", 15, 40, 1, 0, 5.0));
    }

    @Test
    void aRecordCountsOnlyInTheWindowsTheWatermarkItMetEnteringTheJobHadNotEmitted() throws Exception {
        var harness = open(THIRTY_BY_FIVE);
        // the windows ending at 15 s and 20 s were emitted when it entered; this operator's watermark has not got there
        process(harness, ride("A").at(12).entered(at(20)));
        harness.processWatermark(at(100));

        assertThat(harness.extractOutputValues()).containsExactlyElementsOf(windowsEnding("A", 25, 40, 1, 0, 5.0));
    }

    @Test
    void aDriverCountsInAZoneOnlyInWindowsWhereNoNoteOfItBeingElsewhereIsAsLate() throws Exception {
        var harness = open(THIRTY_BY_FIVE);
        process(
                harness,
                driver("d1", "A", true).at(1),
                ride("A").at(2),
                ZoneEvent.driverElsewhere("A", at(12), "d1", Long.MIN_VALUE),
                ZoneEvent.driverElsewhere("A", at(3), "d2", Long.MIN_VALUE),
                driver("d3", "A", true).at(4),
                ZoneEvent.driverElsewhere("A", at(4), "d3", Long.MIN_VALUE));
        harness.processWatermark(at(100));

        assertThat(harness.extractOutputValues())
                .as("d1 until the windows that hold its note; d2, never seen here, nowhere; d3 at a tie nowhere")
                .containsExactlyElementsOf(
                        concat(windowsEnding("A", 5, 10, 1, 1, 1.0), windowsEnding("A", 15, 30, 1, 0, 5.0)));
        assertThat(stateEntriesACheckpointHolds(harness)).isZero();
    }

    @Test
    void stateAndTimersAreGoneOnceTheZonesLastWindowIsEmitted() throws Exception {
        var harness = open(THIRTY_BY_FIVE);
        process(
                harness,
                ride("A").at(1),
                driver("d1", "A", true).at(7),
                ride("A").at(13),
                ride("B").at(2));

        harness.processWatermark(at(40) - 2);
        assertThat(stateEntriesACheckpointHolds(harness))
                .as("window [10 s, 40 s) of zone A is pending")
                .isPositive();
        assertThat(harness.numEventTimeTimers()).isPositive();

        harness.processWatermark(at(40) - 1);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(stateEntriesACheckpointHolds(harness)).isZero();
    }

    @Test
    void supplyCountsDistinctDriversWhoseLatestStatusInTheWindowIsAvailable() throws Exception {
        var harness = open(THIRTY_BY_FIVE);
        process(harness, toggleScenario());
        harness.processWatermark(at(100));

        assertThat(harness.extractOutputValues()).containsExactlyElementsOf(toggleScenarioResults());
    }

    @Test
    void aDriverSeenInTwoZonesCountsInBothWhereItsLatestStatusThereIsAvailable() throws Exception {
        var harness = open(THIRTY_BY_FIVE);
        process(
                harness,
                driver("d1", "A", true).at(1),
                driver("d1", "B", true).at(2),
                ride("A").at(3),
                ride("B").at(3),
                ride("B").at(3.5));
        harness.processWatermark(at(100));

        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrderElementsOf(
                        concat(windowsEnding("A", 5, 30, 1, 1, 1.0), windowsEnding("B", 5, 30, 2, 1, 2.0)));
    }

    @Test
    void multiplierIsClampedToOneAndFiveAndZonesWithoutRecordsEmitNothing() throws Exception {
        var harness = open(THIRTY_BY_FIVE);
        List<ZoneEvent> events = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            events.add(ride("capped").at(1 + i * 0.1));
        }
        events.add(driver("c1", "capped", true).at(1));
        events.add(driver("c2", "capped", true).at(1));
        events.add(ride("floored").at(2));
        events.add(driver("f1", "floored", true).at(2));
        events.add(driver("f2", "floored", true).at(2));
        events.add(driver("f3", "floored", true).at(2));
        events.add(ride("ratio").at(3));
        events.add(ride("ratio").at(3));
        events.add(ride("ratio").at(3));
        events.add(driver("r1", "ratio", true).at(3));
        events.add(driver("r2", "ratio", true).at(3));
        events.add(ride("no-supply").at(4));
        events.add(ride("no-supply").at(4));
        events.add(driver("n1", "no-supply", false).at(4));
        events.add(driver("e1", "no-demand", true).at(4));
        process(harness, events.toArray(ZoneEvent[]::new));
        harness.processWatermark(at(100));

        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrderElementsOf(concat(
                        windowsEnding("capped", 5, 30, 12, 2, 5.0),
                        windowsEnding("floored", 5, 30, 1, 3, 1.0),
                        windowsEnding("ratio", 5, 30, 3, 2, 1.5),
                        windowsEnding("no-supply", 5, 30, 2, 0, 5.0),
                        windowsEnding("no-demand", 5, 30, 0, 1, 1.0)));
    }

    @Test
    void aLaterStatusWinsEvenWhenItArrivesFirst() throws Exception {
        var harness = open(THIRTY_BY_FIVE);
        process(
                harness,
                driver("d1", "A", false).at(4),
                driver("d1", "A", true).at(2),
                ride("A").at(1));
        harness.processWatermark(at(100));

        assertThat(harness.extractOutputValues()).containsExactlyElementsOf(windowsEnding("A", 5, 30, 1, 0, 5.0));
    }

    @Test
    void atEqualEventTimesUnavailableWinsWhateverTheArrivalOrder() throws Exception {
        var availableFirst = open(THIRTY_BY_FIVE);
        process(
                availableFirst,
                driver("d1", "A", true).at(2),
                driver("d1", "A", false).at(2));
        var unavailableFirst = open(THIRTY_BY_FIVE);
        process(
                unavailableFirst,
                driver("d1", "A", false).at(2),
                driver("d1", "A", true).at(2));
        availableFirst.processWatermark(at(100));
        unavailableFirst.processWatermark(at(100));

        assertThat(availableFirst.extractOutputValues())
                .containsExactlyElementsOf(windowsEnding("A", 5, 30, 0, 0, 1.0));
        assertThat(unavailableFirst.extractOutputValues())
                .containsExactlyElementsOf(windowsEnding("A", 5, 30, 0, 0, 1.0));
    }

    @Test
    void aRecordCountsOnlyInWindowsNotYetEmittedAndIsLateWhenAllWere() throws Exception {
        var harness = open(THIRTY_BY_FIVE);
        harness.processWatermark(at(20));
        ZoneEvent tooLate = ride("A").at(-12);
        process(harness, ride("A").at(12), ride("A").at(2), tooLate);
        harness.processWatermark(at(100));

        assertThat(harness.extractOutputValues())
                .containsExactly(
                        surge("A", 25, 2, 0, 5.0),
                        surge("A", 30, 2, 0, 5.0),
                        surge("A", 35, 1, 0, 5.0),
                        surge("A", 40, 1, 0, 5.0));
        assertThat(harness.getSideOutput(SlicedSurgeWindows.LATE))
                .extracting(StreamRecord::getValue)
                .singleElement()
                .satisfies(late -> {
                    assertThat(late.reason()).isEqualTo(Reason.LATE);
                    assertThat(late.origin()).usingRecursiveComparison().isEqualTo(tooLate.origin());
                    assertThat(late.detail()).contains("zone A").contains("2026-11-25T07:59:48Z");
                });
    }

    @Test
    void allowedLatenessDelaysEmissionSoStragglersStillCount() throws Exception {
        var harness = open(new WindowSpec(30_000, 5_000, 10_000));
        harness.processWatermark(at(20));
        process(harness, ride("A").at(12), ride("A").at(-12));
        harness.processWatermark(at(100));

        assertThat(harness.extractOutputValues())
                .containsExactlyElementsOf(
                        concat(List.of(surge("A", 15, 2, 0, 5.0)), windowsEnding("A", 20, 40, 1, 0, 5.0)));
        assertThat(harness.getSideOutput(SlicedSurgeWindows.LATE)).isNullOrEmpty();
    }

    @Test
    void resultsSurviveASnapshotAndRestoreOnRocksDbInTheMiddleOfAWindow() throws Exception {
        List<ZoneSurge> emitted = new ArrayList<>();
        var after = toggleScenarioAcrossARestore(emitted);

        assertThat(emitted).containsExactlyElementsOf(toggleScenarioResults());
        assertThat(after.numEventTimeTimers()).isZero();
    }

    @Test
    void afterARestoreARecordLateBeforeTheFailureIsStillLateBeforeAnyNewWatermark() throws Exception {
        var before = openOnRocksDb(THIRTY_BY_FIVE, null);
        process(before, ride("A").at(12));
        before.processWatermark(at(100));
        List<ZoneSurge> emitted = new ArrayList<>(before.extractOutputValues());
        OperatorSubtaskState snapshot = TaskCheckpoints.take(before);

        // replayed after the restore, before the sources' first watermark: its windows were emitted already
        var after = openOnRocksDb(THIRTY_BY_FIVE, snapshot);
        ZoneEvent replayed = ride("A").at(14);
        process(after, replayed);
        after.processWatermark(at(200));
        emitted.addAll(after.extractOutputValues());

        assertThat(emitted)
                .as("each window of zone A once")
                .containsExactlyElementsOf(windowsEnding("A", 15, 40, 1, 0, 5.0));
        assertThat(after.getSideOutput(SlicedSurgeWindows.LATE))
                .extracting(StreamRecord::getValue)
                .singleElement()
                .satisfies(late ->
                        assertThat(late.origin()).usingRecursiveComparison().isEqualTo(replayed.origin()));
        assertThat(after.numEventTimeTimers()).isZero();
    }

    /**
     * The toggle scenario's first four records, a snapshot on RocksDB in the middle of a window, a restore and the
     * rest; adds every result to {@code emitted}.
     */
    private KeyedOneInputStreamOperatorTestHarness<String, ZoneEvent, ZoneSurge> toggleScenarioAcrossARestore(
            List<ZoneSurge> emitted) throws Exception {
        List<ZoneEvent> scenario = toggleScenario();
        var before = openOnRocksDb(THIRTY_BY_FIVE, null);
        process(before, scenario.subList(0, 4));
        before.processWatermark(at(6));
        emitted.addAll(before.extractOutputValues());
        // as at a barrier: the zones' state held on the heap is written back first
        before.prepareSnapshotPreBarrier(1L);
        OperatorSubtaskState snapshot = before.snapshot(1L, 1L);

        var after = openOnRocksDb(THIRTY_BY_FIVE, snapshot);
        process(after, scenario.subList(4, scenario.size()));
        after.processWatermark(at(100));
        emitted.addAll(after.extractOutputValues());
        return after;
    }

    private static int stateEntriesACheckpointHolds(
            KeyedOneInputStreamOperatorTestHarness<String, ZoneEvent, ZoneSurge> harness) throws Exception {
        harness.prepareSnapshotPreBarrier(0L);
        return harness.numKeyedStateEntries();
    }

    /** d1 goes available, unavailable and available again; d2 is available once; four rides. */
    private static List<ZoneEvent> toggleScenario() {
        return List.of(
                driver("d1", "A", true).at(1),
                driver("d2", "A", true).at(2),
                driver("d1", "A", false).at(3),
                ride("A").at(4),
                ride("A").at(6),
                ride("A").at(6.5),
                driver("d1", "A", true).at(7),
                ride("A").at(8));
    }

    private static List<ZoneSurge> toggleScenarioResults() {
        return concat(
                // [-25 s, 5 s): d1 last unavailable, d2 available; one ride
                List.of(surge("A", 5, 1, 1, 1.0)),
                // windows holding everything: d1 and d2 available, four rides
                windowsEnding("A", 10, 30, 4, 2, 2.0),
                // [5 s, 35 s): only d1 (available at 7 s) and the rides at 6, 6.5 and 8 s
                List.of(surge("A", 35, 3, 1, 3.0)));
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ZoneEvent, ZoneSurge> open(WindowSpec spec)
            throws Exception {
        var harness = newHarness(spec);
        harness.open();
        return harness;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ZoneEvent, ZoneSurge> openOnRocksDb(
            WindowSpec spec, OperatorSubtaskState restoreFrom) throws Exception {
        var harness = newHarness(spec);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ZoneEvent, ZoneSurge> newHarness(WindowSpec spec)
            throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new SlicedSurgeWindows(spec, () -> COMPUTED_AT), ZoneEvent::zoneId, Types.STRING);
        opened.add(harness);
        return harness;
    }

    private static void process(
            KeyedOneInputStreamOperatorTestHarness<String, ZoneEvent, ZoneSurge> harness, ZoneEvent... events)
            throws Exception {
        for (ZoneEvent event : events) {
            harness.processElement(event, event.eventTime());
        }
    }

    private static void process(
            KeyedOneInputStreamOperatorTestHarness<String, ZoneEvent, ZoneSurge> harness, List<ZoneEvent> events)
            throws Exception {
        process(harness, events.toArray(ZoneEvent[]::new));
    }

    @SafeVarargs
    private static List<ZoneSurge> concat(List<ZoneSurge>... parts) {
        return Stream.of(parts).flatMap(List::stream).toList();
    }
}
