package io.surge.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class TimeBucketsTest {

    @Test
    void recordsAreStampedWithTheEndOfTheirBucketAndThoseBehindTheWatermarkDropped() throws Exception {
        try (var harness = new OneInputStreamOperatorTestHarness<>(new TimeBuckets<String>(100))) {
            harness.open();
            harness.processElement("a", 1_001);
            harness.processWatermark(1_050);
            harness.processElement("late", 1_040);
            harness.processElement("b", 1_100);

            assertThat(harness.extractOutputStreamRecords())
                    .extracting(StreamRecord::getValue, StreamRecord::getTimestamp)
                    .containsExactly(tuple("a", 1_100L), tuple("b", 1_100L));
        }
    }

    @Test
    void afterARestoreARecordBehindTheCheckpointedWatermarkIsDroppedBeforeAnyNewWatermark() throws Exception {
        OperatorSubtaskState snapshot;
        try (var before = new OneInputStreamOperatorTestHarness<>(new TimeBuckets<String>(100))) {
            before.open();
            before.processWatermark(5_000);
            snapshot = before.snapshot(1L, 1L);
        }
        try (var after = new OneInputStreamOperatorTestHarness<>(new TimeBuckets<String>(100))) {
            after.initializeState(snapshot);
            after.open();
            after.processElement("replayed, late before the failure", 4_990);
            after.processElement("on time", 5_010);

            assertThat(after.extractOutputValues()).containsExactly("on time");
        }
    }
}
