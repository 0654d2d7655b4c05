package io.surge;

import static io.surge.testing.Events.at;
import static io.surge.testing.Events.driver;
import static io.surge.testing.Events.ride;
import static org.assertj.core.api.Assertions.assertThat;

import io.surge.event.Ingested;
import io.surge.event.ZoneEvent;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Where inputs enter the job: each is stamped with the watermark it met. */
class DivertRejectedTest {

    @Test
    void inputsCarryTheWatermarkTheyMetRideRequestsOnOneOutputDriverStatusesOnTheOther() throws Exception {
        try (var divert = open()) {
            divert.processWatermark(new Watermark(at(20)));
            ZoneEvent request = ride("A").at(21);
            ZoneEvent status = driver("d1", "A", true).at(22);
            divert.processElement(Ingested.accepted(request), request.eventTime());
            divert.processElement(Ingested.accepted(status), status.eventTime());

            assertThat(divert.extractOutputValues()).singleElement().satisfies(entered -> {
                assertThat(entered.kind()).isEqualTo(ZoneEvent.Kind.RIDE_REQUEST);
                assertThat(entered.metWatermark()).isEqualTo(at(20));
            });
            assertThat(divert.getSideOutput(SurgePipeline.DRIVER_STATUSES))
                    .singleElement()
                    .satisfies(entered ->
                            assertThat(entered.getValue().metWatermark()).isEqualTo(at(20)));
        }
    }

    private static OneInputStreamOperatorTestHarness<Ingested, ZoneEvent> open() throws Exception {
        var harness =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new SurgePipeline.DivertRejected()));
        harness.open();
        return harness;
    }
}
