package io.surge.pricing;

import static io.surge.testing.Events.at;
import static io.surge.testing.Events.driver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.surge.event.ZoneEvent;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The notes that tell a zone its driver was elsewhere, for statuses in and out of order. */
class DriverWhereaboutsTest {

    private final KeyedOneInputStreamOperatorTestHarness<String, ZoneEvent, ZoneEvent> harness;

    DriverWhereaboutsTest() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DriverWhereabouts(new WindowSpec(30_000, 5_000, 0))),
                ZoneEvent::driverId,
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void aMoveTellsTheZoneLeftAndAStatusOutOfOrderHearsOfTheLaterOnes() throws Exception {
        ZoneEvent inA = driver("d1", "A", true).at(10);
        ZoneEvent inB = driver("d1", "B", true).at(12);
        ZoneEvent earlierInC = driver("d1", "C", false).at(11).entered(at(3));
        ZoneEvent backInA = driver("d1", "A", true).at(14);

        assertThat(process(inA)).containsExactly(said(inA));
        assertThat(process(inB)).containsExactly(said(inB), note("A", 12, inB));
        assertThat(process(earlierInC))
                .as("A before it and B after it; the notes of B come with B's watermark")
                .containsExactlyInAnyOrder(said(earlierInC), note("C", 12, inB), note("A", 11, earlierInC));
        assertThat(process(backInA))
                .containsExactlyInAnyOrder(said(backInA), note("B", 14, backInA), note("C", 14, backInA));
    }

    @Test
    void aNoteCarriesItsOwnTimeAsItsTimestamp() throws Exception {
        process(driver("d1", "B", true).at(12));
        harness.getOutput().clear();
        ZoneEvent earlierInA = driver("d1", "A", true).at(11);
        harness.processElement(earlierInA, earlierInA.eventTime());

        assertThat(harness.extractOutputStreamRecords())
                .extracting(record -> record.getValue().kind(), StreamRecord::getTimestamp)
                .containsExactlyInAnyOrder(
                        tuple(ZoneEvent.Kind.DRIVER_STATUS, at(11)), tuple(ZoneEvent.Kind.DRIVER_ELSEWHERE, at(12)));
    }

    @Test
    void aStatusThatMetALowerWatermarkUpstreamGoesOnWithThisStepsOwn() throws Exception {
        harness.processWatermark(at(20));
        ZoneEvent fromAnIdleSource = driver("d1", "A", true).at(22).entered(at(5));

        assertThat(process(fromAnIdleSource))
                .as("the statuses forgotten here are of windows closed to it too")
                .containsExactly(said(fromAnIdleSource.entered(at(20))));
    }

    @Test
    void statusesAtTheSameMillisecondInTwoZonesEachTellTheOther() throws Exception {
        ZoneEvent inA = driver("d1", "A", true).at(10);
        ZoneEvent inB = driver("d1", "B", true).at(10);

        process(inA);
        assertThat(process(inB)).containsExactlyInAnyOrder(said(inB), note("A", 10, inB), note("B", 10, inA));
    }

    @Test
    void statusesThatShareNoWindowSayNothingOfEachOther() throws Exception {
        process(driver("d1", "A", true).at(0));
        ZoneEvent aWindowLater = driver("d1", "B", true).at(30);

        assertThat(process(aWindowLater)).containsExactly(said(aWindowLater));
    }

    @Test
    void aDriverIsForgottenWithinASlideOnceEveryWindowOfItsStatusesIsEmitted() throws Exception {
        process(driver("d1", "A", true).at(4));
        process(driver("d1", "B", true).at(12));
        harness.processWatermark(at(35));
        assertThat(stateEntriesACheckpointHolds())
                .as("the status at 12 s is in the window ending at 40 s")
                .isOne();
        assertThat(harness.numEventTimeTimers()).as("one timer per driver").isOne();

        harness.processWatermark(at(45));
        assertThat(stateEntriesACheckpointHolds()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void driversAreForgottenSpreadOverTheSlideNotAllAtTheWatermarkThatClosesTheirWindows() throws Exception {
        int drivers = 50;
        for (int i = 0; i < drivers; i++) {
            process(driver("d" + i, "A", true).at(12));
        }
        // the window ending at 40 s is the last to hold them
        harness.processWatermark(at(42.5));
        assertThat(stateEntriesACheckpointHolds())
                .as("drivers still remembered halfway into the next slide")
                .isBetween(1, drivers - 1);

        harness.processWatermark(at(45));
        assertThat(stateEntriesACheckpointHolds()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    private int stateEntriesACheckpointHolds() throws Exception {
        harness.prepareSnapshotPreBarrier(0L);
        return harness.numKeyedStateEntries();
    }

    /** What the harness passed on for {@code status}, each as {@link #said}. */
    private List<String> process(ZoneEvent status) throws Exception {
        harness.getOutput().clear();
        harness.processElement(status, status.eventTime());
        return harness.extractOutputValues().stream()
                .map(DriverWhereaboutsTest::said)
                .toList();
    }

    private static String note(String zone, double secondsAfterT0, ZoneEvent status) {
        return said(ZoneEvent.driverElsewhere(zone, at(secondsAfterT0), status.driverId(), status.metWatermark()));
    }

    /** An event as this test tells events apart: the harness copies them, bytes and all. */
    private static String said(ZoneEvent event) {
        return event.kind() + " " + event.driverId() + " in " + event.zoneId() + " at " + event.eventTime() + " met "
                + event.metWatermark();
    }
}
