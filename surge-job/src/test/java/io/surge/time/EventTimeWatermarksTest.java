package io.surge.time;

import static io.surge.testing.Events.at;
import static io.surge.testing.Events.ride;
import static org.assertj.core.api.Assertions.assertThat;

import io.surge.event.Ingested;
import io.surge.event.Reason;
import io.surge.testing.Events;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

class EventTimeWatermarksTest {

    private static final Duration INTERVAL = Duration.ofMillis(20);

    private long processingTime = at(3600);
    private final WatermarkStrategy<Ingested> strategy = EventTimeWatermarks.strategy(
            new WatermarkSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), INTERVAL), () -> processingTime);
    // Flink reads a relative time of 0 as "silence not started yet", so the clock starts later.
    private final ManualClock activity = new ManualClock(Duration.ofSeconds(1).toNanos());
    private final RecordingOutput output = new RecordingOutput();
    private final WatermarkGenerator<Ingested> generator =
            strategy.createWatermarkGenerator(new WatermarkGeneratorSupplier.Context() {
                @Override
                public UnregisteredMetricsGroup getMetricGroup() {
                    return new UnregisteredMetricsGroup();
                }

                @Override
                public ManualClock getInputActivityClock() {
                    return activity;
                }
            });
    private final TimestampAssigner<Ingested> timestamps = strategy.createTimestampAssigner(() -> null);

    @Test
    void theWatermarkIsTheLargestEventTimeMinusTheBound() {
        offer(Ingested.accepted(ride("A").at(20)));
        offer(Ingested.accepted(ride("A").at(12)));
        generator.onPeriodicEmit(output);

        assertThat(output.last()).isEqualTo(at(15) - 1);
    }

    @Test
    void theWatermarkNeverPassesTheProcessingClockWhateverARecordSays() {
        processingTime = at(20);
        offer(Ingested.accepted(ride("A").at(40))); // a producer's clock 20 s fast: counted, within the skew
        generator.onPeriodicEmit(output);
        assertThat(output.last()).as("held at the clock, less the bound").isEqualTo(at(15) - 1);

        processingTime = at(30);
        offer(Ingested.accepted(ride("A").at(29)));
        generator.onPeriodicEmit(output);
        assertThat(output.last())
                .as("moving on with the records behind the clock")
                .isEqualTo(at(24) - 1);
    }

    @Test
    void divertedRecordsNeverMoveTheWatermark() {
        offer(Ingested.accepted(ride("A").at(20)));
        offer(
                Ingested.diverted(Reason.INVALID_FIELD, "event_time far ahead", Events.origin("ride-requests")),
                at(7200));
        generator.onPeriodicEmit(output);

        assertThat(output.last()).isEqualTo(at(15) - 1);
    }

    @Test
    void aPartitionSilentForTheIdlenessTimeoutStopsHoldingTheWatermarkBack() {
        offer(Ingested.accepted(ride("A").at(20)));
        generator.onPeriodicEmit(output);
        readFor(Duration.ofSeconds(9));
        assertThat(output.idle).as("silent for 9 s").isFalse();

        readFor(Duration.ofSeconds(2));
        assertThat(output.idle).as("silent for 11 s").isTrue();
    }

    @Test
    void aPartitionThatDeliveredNothingYetIsWaitedForLonger() {
        readFor(Duration.ofSeconds(11));
        assertThat(output.idle)
                .as("nothing read from it for 11 s: the source may not have reached it yet")
                .isFalse();

        readFor(Duration.ofSeconds(20));
        assertThat(output.idle).as("nothing read from it for 31 s").isTrue();
    }

    @Test
    void timeTheSourceCouldNotReadIsNotSilence() {
        offer(Ingested.accepted(ride("A").at(20)));
        generator.onPeriodicEmit(output);
        readFor(Duration.ofSeconds(1));
        // the source task held up for 30 s (waiting for the registry): no periodic emit in between
        activity.advanceTime(Duration.ofSeconds(30));
        generator.onPeriodicEmit(output);
        readFor(Duration.ofSeconds(8));
        assertThat(output.idle).as("read for 9 s around a 30 s hold-up").isFalse();

        readFor(Duration.ofSeconds(2));
        assertThat(output.idle).as("read for 11 s").isTrue();
    }

    @Test
    void aPartitionReceivingOnlyRejectedRecordsGoesIdleLikeASilentOne() {
        offer(Ingested.accepted(ride("A").at(20)));
        generator.onPeriodicEmit(output);
        for (int second = 0; second < 11; second++) {
            offer(Ingested.diverted(Reason.UNDECODABLE, "not Avro", Events.origin("ride-requests")), at(30));
            readFor(Duration.ofSeconds(1));
        }
        generator.onPeriodicEmit(output);

        assertThat(output.idle).as("11 s of nothing but garbage").isTrue();
        offer(Ingested.accepted(ride("A").at(40)));
        generator.onPeriodicEmit(output);
        assertThat(output.idle).as("a valid record wakes it").isFalse();
        assertThat(output.last()).isEqualTo(at(35) - 1);
    }

    /** Periodic emits one interval apart, as Flink makes them while the source task runs. */
    private void readFor(Duration duration) {
        for (long read = 0; read < duration.toNanos(); read += INTERVAL.toNanos()) {
            activity.advanceTime(INTERVAL);
            generator.onPeriodicEmit(output);
        }
    }

    private void offer(Ingested ingested) {
        offer(ingested, Long.MIN_VALUE);
    }

    private void offer(Ingested ingested, long recordTimestamp) {
        generator.onEvent(ingested, timestamps.extractTimestamp(ingested, recordTimestamp), output);
    }

    private static final class RecordingOutput implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();
        boolean idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }

        long last() {
            return watermarks.get(watermarks.size() - 1);
        }
    }
}
