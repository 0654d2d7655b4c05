package io.surge;

import static io.surge.testing.Events.at;
import static io.surge.testing.Events.driver;
import static io.surge.testing.Events.ride;
import static org.assertj.core.api.Assertions.assertThat;

import io.surge.event.Ingested;
import io.surge.event.ZoneEvent;
import io.surge.testing.TaskCheckpoints;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Where inputs enter the job: each is stamped with the watermark it met, which a restore does not lower. */
class DivertRejectedTest {

    @Test
    void inputsCarryTheWatermarkTheyMetAndAfterARestoreAtLeastTheCheckpointedOne() throws Exception {
        OperatorSubtaskState snapshot;
        try (var before = open(null)) {
            before.processWatermark(new Watermark(at(20)));
            ZoneEvent request = ride("A").at(21);
            before.processElement(Ingested.accepted(request), request.eventTime());
            assertThat(before.extractOutputValues()).singleElement()
                    .satisfies(entered -> assertThat(entered.metWatermark()).isEqualTo(at(20)));
            snapshot = TaskCheckpoints.take(before);
        }

        try (var after = open(snapshot)) {
            ZoneEvent replayed = driver("d1", "A", true).at(12);
            after.processElement(Ingested.accepted(replayed), replayed.eventTime());
            assertThat(after.getSideOutput(SurgePipeline.DRIVER_STATUSES)).singleElement()
                    .satisfies(entered -> assertThat(entered.getValue().metWatermark())
                            .as("before the sources' first watermark, the checkpoint's").isEqualTo(at(20)));
        }
    }

    private static OneInputStreamOperatorTestHarness<Ingested, ZoneEvent> open(OperatorSubtaskState restoreFrom)
            throws Exception {
        var harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new SurgePipeline.DivertRejected()));
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }
}
